"""Encryption of identifying data at rest (AES-256-GCM) and keyed blind indexes (HMAC-SHA256).

A stored value reads `v1:<key id>:<base64(nonce || ciphertext)>`. The key id lets `ctm keys rotate`
find and re-encrypt values written under an older key. The associated data binds a ciphertext to its
column, so a value cannot be moved to another field unnoticed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings

PREFIX = "v1"


class DecryptionError(Exception):
    pass


@lru_cache(maxsize=8)
def _parse_keys(spec: str) -> tuple[tuple[str, bytes], ...]:
    keys = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key_id, _, material = part.partition(":")
        raw = base64.urlsafe_b64decode(material.encode())
        if len(raw) != 32:
            raise ValueError(f"encryption key {key_id!r} must be 32 bytes")
        keys.append((key_id, raw))
    if not keys:
        raise ValueError("no encryption key configured (CTM_ENCRYPTION_KEYS)")
    return tuple(keys)


def keyring() -> tuple[tuple[str, bytes], ...]:
    return _parse_keys(settings.CTM_ENCRYPTION_KEYS)


def current_key_id() -> str:
    return keyring()[0][0]


def encrypt(plaintext: str, context: str) -> str:
    key_id, key = keyring()[0]
    nonce = os.urandom(12)
    ct = AESGCM(key).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
    return f"{PREFIX}:{key_id}:{base64.b64encode(nonce + ct).decode()}"


def encrypt_bytes(data: bytes, context: str) -> tuple[str, bytes]:
    key_id, key = keyring()[0]
    nonce = os.urandom(12)
    return key_id, nonce + AESGCM(key).encrypt(nonce, data, context.encode())


def decrypt_bytes(key_id: str, blob: bytes, context: str) -> bytes:
    key = dict(keyring()).get(key_id)
    if key is None:
        raise DecryptionError(f"unknown key id {key_id!r}")
    try:
        return AESGCM(key).decrypt(blob[:12], blob[12:], context.encode())
    except InvalidTag as exc:
        raise DecryptionError("ciphertext does not authenticate") from exc


def key_id_of(stored: str) -> str:
    return stored.split(":", 2)[1]


def decrypt(stored: str, context: str) -> str:
    prefix, key_id, payload = stored.split(":", 2)
    if prefix != PREFIX:
        raise DecryptionError("unknown ciphertext format")
    return decrypt_bytes(key_id, base64.b64decode(payload), context).decode("utf-8")


# --- blind indexes -------------------------------------------------------------------------------


def normalize_name(value: str) -> str:
    """One Latin, lower-case form, token order ignored: 'Ольга  Петрова' == 'petrova olga'."""
    text = anyascii(unicodedata.normalize("NFKC", value or "")).lower()
    text = re.sub(r"['`]", "", text)  # soft signs and apostrophes: Ol'ga == Olga, O'Brien == OBrien
    tokens = re.findall(r"[a-z0-9]+", text)
    return " ".join(sorted(tokens))


def normalize_document(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", anyascii(value or "").upper())


def blind_index(value: str, purpose: str) -> str:
    key = base64.urlsafe_b64decode(settings.CTM_BLIND_INDEX_KEY.encode())
    digest = hmac.new(key, f"{purpose}\x00{value}".encode(), hashlib.sha256).hexdigest()
    return digest[:40]


def name_birth_index(full_name: str, birth_date_iso: str) -> str:
    return blind_index(f"{normalize_name(full_name)}|{birth_date_iso}", "name-birth")


def document_index(number: str) -> str:
    return blind_index(normalize_document(number), "document")


# Spelling variants that transliteration produces for the same sound (Petrova/Petrowa, Yulia/Iulia,
# Mohammed/Mokhammed, Josef/Joseph), folded before the phonetic code.
_VARIANTS = (
    ("kh", "h"),
    ("ph", "f"),
    ("w", "v"),
    ("y", "i"),
    ("ou", "u"),
    ("dj", "j"),
    ("dzh", "j"),
    ("zh", "j"),
)


def _fold(token: str) -> str:
    for old, new in _VARIANTS:
        token = token.replace(old, new)
    return token


def name_tokens(full_name: str) -> list[str]:
    """The name's words in one Latin, lower-case form (any script in), one-letter initials left out."""
    return [t for t in normalize_name(full_name).split() if len(t) > 1]


def phonetic_code(token: str) -> str:
    """The Metaphone code of one name token (jellyfish), after folding transliteration variants."""
    import jellyfish

    return str(jellyfish.metaphone(_fold(token)))


def phonetic_tokens(full_name: str) -> list[str]:
    """Metaphone codes of each name token."""
    return sorted({phonetic_code(t) for t in name_tokens(full_name)} - {""})


def name_token_index(token: str) -> str:
    """One word of a name, as spelled (after transliteration): `popescu`."""
    return blind_index(token, "name-token")


def name_sound_index(code: str) -> str:
    """How one word of a name sounds, whatever the spelling or script: Popescu, Popesku, Попеску."""
    return blind_index(code, "name-sound")


NEAR_MIN_LENGTH = 4  # shorter words have too many neighbours one letter away


def near_spellings(token: str) -> set[str]:
    """The word and the word with one letter left out: two spellings one typo apart (a letter
    changed, added, dropped or two swapped) share at least one of these."""
    if len(token) < NEAR_MIN_LENGTH:
        return set()
    return {token} | {token[:i] + token[i + 1 :] for i in range(len(token))}


def name_near_index(spelling: str) -> str:
    return blind_index(spelling, "name-near")


def birth_year_index(year: int) -> str:
    return blind_index(str(year), "birth-year")


def birth_date_index(birth_date_iso: str) -> str:
    return blind_index(birth_date_iso, "birth-date")


def phonetic_index(code: str, birth_year: int | None) -> str:
    return blind_index(f"{code}|{birth_year or ''}", "phonetic-year")
