"""Shared checks for case data (layer 0)."""

from __future__ import annotations

import io
import zipfile

import pycountry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from ctm.core.uploads import check_zip

_MAGIC = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def sniff_content_type(data: bytes) -> str | None:
    """The file's type from its bytes, or None when it is not an accepted type."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    return _text_kind(data)


def _zip_kind(data: bytes) -> str | None:
    """DOCX, XLSX or ODT by their members. A zip bomb is refused first (`check_zip` raises a
    ValidationError with a clear message), so nothing here decompresses more than the limits allow."""
    check_zip(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            if "mimetype" in names:
                with zf.open("mimetype") as member:
                    if member.read(100) == b"application/vnd.oasis.opendocument.text":
                        return "application/vnd.oasis.opendocument.text"
    except (zipfile.BadZipFile, OSError):
        return None
    for prefix, kind in _OOXML.items():
        if any(n.startswith(prefix) for n in names):
            return kind
    return None


def _text_kind(data: bytes) -> str | None:
    if not data or b"\x00" in data[:4096]:
        return None
    try:
        text = data[:65536].decode("utf-8")
    except UnicodeDecodeError:
        return None
    lowered = text.lstrip().lower()
    if lowered.startswith(("<!doctype html", "<html", "<script", "<svg", "<?xml")):
        return None  # active content is refused
    return "text/plain"


def validate_country(value: str) -> None:
    if value and pycountry.countries.get(alpha_2=value.upper()) is None:
        raise ValidationError(_("%(value)s is not an ISO 3166 country code."), params={"value": value})


def validate_language(value: str) -> None:
    if (
        value
        and pycountry.languages.get(alpha_2=value.lower()) is None
        and pycountry.languages.get(alpha_3=value.lower()) is None
    ):
        raise ValidationError(_("%(value)s is not an ISO 639 language code."), params={"value": value})
