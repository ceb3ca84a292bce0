"""Normalise people's records for linkage: names in any script to one Latin form, dates, documents."""

from __future__ import annotations

import re
import unicodedata

import jellyfish
import pandas as pd
from anyascii import anyascii

INPUT_COLUMNS = ("record_id", "given_name", "family_name", "birth_date", "sex", "citizenship",
                 "document_number")
_NOT_LETTER = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")
_VOWELS = re.compile(r"[aeiouy]")
_DOUBLES = re.compile(r"(.)\1+")
_DATE = re.compile(r"^\s*(\d{4})(?:[-/.](\d{1,2}))?(?:[-/.](\d{1,2}))?\s*$")
_SKELETON_RULES = (("kh", "h"), ("ph", "f"), ("ck", "k"), ("q", "k"), ("dh", "d"), ("th", "t"),
                   ("sch", "sh"), ("ou", "u"), ("w", "v"), ("j", "y"), ("x", "ks"))
# Articles and connecting words that many names share; they carry no identity ("al", "bin", "da", "van").
_PARTICLES = frozenset({"al", "el", "bin", "ibn", "bn", "bint", "bnt", "bnw", "banu", "bani", "ould", "da", "de",
                        "do", "dos", "das", "del", "della", "di", "du", "la", "le", "van", "von", "der", "den",
                        "y", "e"})
_ARABIC_ARTICLE = re.compile(r"(^|[\s-])ال(?=\S)")  # the article al- written onto the next word
_SEX = {"m": "M", "male": "M", "man": "M", "f": "F", "female": "F", "woman": "F", "w": "F"}


def latin_name(text: object) -> str:
    """One Latin, lower-case, letters-only form: 'Мухаммед' -> 'mukhammed', 'Núñez' -> 'nunez'."""
    if not isinstance(text, str) or not text.strip():
        return ""
    text = _ARABIC_ARTICLE.sub(r"\1al ", unicodedata.normalize("NFC", text))
    ascii_text = anyascii(text).lower().replace("-", " ")
    return _SPACES.sub(" ", _NOT_LETTER.sub("", ascii_text)).strip()


def skeleton(token: str) -> str:
    """Consonant skeleton, so 'mohammed', 'mukhammed' and Arabic 'mhmd' agree: 'mhmd'."""
    out = token
    for old, new in _SKELETON_RULES:
        out = out.replace(old, new)
    out = _DOUBLES.sub(r"\1", _VOWELS.sub("", out.replace(" ", "")))
    return out or token


def name_tokens(given: object, family: object) -> list[str]:
    """Tokens of both names, sorted, so swapped given and family names give the same key."""
    return sorted(t for t in f"{latin_name(given)} {latin_name(family)}".split() if t and t not in _PARTICLES)


def parse_birth_date(text: object) -> tuple[int | None, int | None, int | None]:
    """YYYY-MM-DD, YYYY-MM or YYYY (also with / or .) -> (year, month, day), None where unknown."""
    if not isinstance(text, str):
        return None, None, None
    match = _DATE.match(text)
    if not match:
        return None, None, None
    year, month, day = (int(g) if g else None for g in match.groups())
    if year is None or not 1880 <= year <= 2100:
        return None, None, None
    if month is not None and not 1 <= month <= 12:
        month, day = None, None
    if day is not None and not 1 <= day <= 31:
        day = None
    return year, month, day


def clean_document(text: object) -> str:
    if not isinstance(text, str):
        return ""
    return re.sub(r"[^A-Z0-9]", "", anyascii(text).upper())


def clean_sex(text: object) -> str:
    return _SEX.get(text.strip().lower(), "") if isinstance(text, str) else ""


def clean_country(text: object) -> str:
    value = text.strip().upper() if isinstance(text, str) else ""
    return value if re.fullmatch(r"[A-Z]{2}", value) else ""


def _phonetic(token: str) -> str:
    return jellyfish.metaphone(token) if token else ""


def normalise_records(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """The columns splink compares and blocks on, one row per input record (empty -> None).

    Names and dates repeat (common names, shared birthdays): each distinct (given, family) pair and each
    distinct date is normalised once, in a dictionary of this call only (no cache outlives the run)."""
    names: dict[tuple[object, object], dict[str, str]] = {}
    dates: dict[object, dict[str, str]] = {}
    words = _Words()
    columns: dict[str, list[object]] = {}
    for rec in frame.to_dict("records"):
        key = (rec.get("given_name"), rec.get("family_name"))
        name = names.get(key)
        if name is None:
            name = names[key] = _name_columns(*key, words)
        date = dates.get(rec.get("birth_date"))
        if date is None:
            date = dates[rec.get("birth_date")] = _date_columns(rec.get("birth_date"))
        row = {"unique_id": f"{source}\x1f{rec.get('record_id')}", "source_list": source,
               "record_id": str(rec.get("record_id")), **name, **date, "sex": clean_sex(rec.get("sex")),
               "citizenship": clean_country(rec.get("citizenship")),
               "document": clean_document(rec.get("document_number"))}
        for column, value in row.items():
            columns.setdefault(column, []).append(value)
    if not columns:
        return pd.DataFrame(columns=list(OUTPUT_COLUMNS))
    out = pd.DataFrame(columns)
    return out.replace({"": None})


def _normalise_row(rec: dict[str, object], source: str) -> dict[str, object]:
    return {"unique_id": f"{source}\x1f{rec.get('record_id')}", "source_list": source,
            "record_id": str(rec.get("record_id")), **_name_columns(rec.get("given_name"), rec.get("family_name")),
            **_date_columns(rec.get("birth_date")), "sex": clean_sex(rec.get("sex")),
            "citizenship": clean_country(rec.get("citizenship")),
            "document": clean_document(rec.get("document_number"))}


class _Words:
    """Each distinct name and word of one call transliterated, skeletonised and coded once."""

    def __init__(self) -> None:
        self.latin: dict[object, str] = {}
        self.skeleton: dict[str, str] = {}
        self.phonetic: dict[str, str] = {}

    def tokens(self, given: object, family: object) -> list[str]:
        names = []
        for text in (given, family):
            latin = self.latin.get(text)
            if latin is None:
                latin = self.latin[text] = latin_name(text)
            names.append(latin)
        return sorted(t for t in f"{names[0]} {names[1]}".split() if t and t not in _PARTICLES)

    def skel(self, token: str) -> str:
        out = self.skeleton.get(token)
        if out is None:
            out = self.skeleton[token] = skeleton(token)
        return out

    def code(self, token: str) -> str:
        out = self.phonetic.get(token)
        if out is None:
            out = self.phonetic[token] = _phonetic(token)
        return out


def _name_columns(given: object, family: object, words: _Words | None = None) -> dict[str, str]:
    words = words or _Words()
    tokens = words.tokens(given, family)
    # Words ordered by their consonant skeleton, which does not depend on the script or spelling, so that
    # 'Omar Hassan' and 'عمر حسن' put their words in the same order. The first word and the rest are
    # compared apart: with three or more words, agreeing on the first and the last alone ("Clara Fogaca
    # Maria", "Clara Guerra Maria") is not agreeing on both.
    ordered = sorted(tokens, key=lambda t: (words.skel(t), t))
    skels = [words.skel(t) for t in ordered]
    first = ordered[0] if ordered else ""
    rest = " ".join(ordered[1:])
    last = ordered[-1] if len(ordered) > 1 else ""
    return {
        "name_key": " ".join(tokens),
        "name_skel": " ".join(skels),
        # The name's skeleton words one by one (up to three) and the whole, padded with spaces: the
        # comparison counts how many words of one name appear in the other (a family name left out).
        "w1": skels[0] if skels else "",
        "w2": skels[1] if len(skels) > 1 else "",
        "w3": skels[2] if len(skels) > 2 else "",
        "skel_pad": f" {' '.join(skels)} " if skels else "",
        "tok1_skel": skels[0] if skels else "",
        "tok2_skel": " ".join(skels[1:]),
        "tok1": first,
        "tok2": rest,
        "tok1_ph": words.code(first),
        "tok2_ph": words.code(last),
        "tok1_pre": first[:3],
        "tok2_pre": last[:3],
    }


def _date_columns(text: object) -> dict[str, str]:
    year, month, day = parse_birth_date(text)
    return {
        "birth_year": str(year) if year else "",
        "birth_ym": f"{year}-{month:02d}" if year and month else "",
        "birth_ymd": f"{year}-{month:02d}-{day:02d}" if year and month and day else "",
        "birth_md": f"{month:02d}-{day:02d}" if month and day else "",
        "birth_dm": f"{day:02d}-{month:02d}" if month and day and day <= 12 else "",
    }


OUTPUT_COLUMNS = tuple(_normalise_row({"record_id": ""}, "").keys())
