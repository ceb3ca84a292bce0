"""The keys of the activity log: HMAC-SHA256 for the chain, Ed25519 for the checkpoints.

`CTM_AUDIT_KEYS` is a ring like `CTM_ENCRYPTION_KEYS` (`id:base64key,…`, 32 bytes each; the first one
seals new entries, the others only verify). It lives outside the database (environment in production,
`var/secrets.json` for the embedded default), so someone who can write the database cannot compute a
valid entry, head or checkpoint. From each key two sub-keys are derived with HKDF (one per purpose):
the chain's HMAC key and the seed of the Ed25519 key that signs checkpoints. The Ed25519 public key
can be handed to an auditor: it verifies a checkpoint without being able to forge one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


class UnknownAuditKey(KeyError):
    """An entry or checkpoint names a key id that is not in CTM_AUDIT_KEYS."""


@lru_cache(maxsize=8)
def _parse(spec: str) -> tuple[tuple[str, bytes], ...]:
    keys = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        key_id, _, material = part.partition(":")
        raw = base64.urlsafe_b64decode(material.encode())
        if not key_id or len(raw) != 32:
            raise ValueError(f"audit key {key_id!r} must be written id:base64 with 32 bytes")
        keys.append((key_id, raw))
    if not keys:
        raise ValueError("no activity-log key configured (CTM_AUDIT_KEYS)")
    return tuple(keys)


def ring() -> tuple[tuple[str, bytes], ...]:
    return _parse(settings.CTM_AUDIT_KEYS)


def ring_ids() -> list[str]:
    return [key_id for key_id, _ in ring()]


def current_key_id() -> str:
    return ring()[0][0]


@lru_cache(maxsize=32)
def _derive(master: bytes, purpose: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(master)


def _master(key_id: str) -> bytes:
    key = dict(ring()).get(key_id)
    if key is None:
        raise UnknownAuditKey(key_id)
    return key


def mac(key_id: str, text: str) -> str:
    """HMAC-SHA256 (hex) of `text` under the chain key derived from audit key `key_id`."""
    key = _derive(_master(key_id), "ctm activity-log chain v1")
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _signing_key(key_id: str) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_derive(_master(key_id), "ctm activity-log checkpoint v1"))


def sign(key_id: str, text: str) -> str:
    return base64.b64encode(_signing_key(key_id).sign(text.encode())).decode()


def public_key(key_id: str) -> str:
    """The checkpoint-verifying public key of `key_id`, base64 of the raw 32 bytes."""
    raw = (
        _signing_key(key_id)
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return base64.b64encode(raw).decode()


def verify_signature(public: str, text: str, signature: str) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public)).verify(
            base64.b64decode(signature), text.encode()
        )
    except (InvalidSignature, ValueError):
        return False
    return True
