"""Uploaded datasets: kept in memory (never a plaintext temporary file), read with the engine's reader
(CSV with any delimiter and CTDC's terms-of-use header cell, XLSX, Parquet), checked against the CTDC
schema. Error messages name the problem, never a cell's content."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils.translation import gettext as _

from ctm.privacy.engine import InputError, budget, read_table_bytes
from ctm.privacy.validators import check_ctdc_columns

MAX_ROWS = 1_000_000
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
ZIP_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"


class InMemoryUploadHandler(FileUploadHandler):
    """Keeps every uploaded file in memory, whatever its size, up to the upload limit (the rest is
    counted, not kept): Django would otherwise spool a large file to a plaintext temporary file."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.buffer, self.received = io.BytesIO(), 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.received += len(raw_data)
        if self.received <= settings.CTM_PRIVACY_UPLOAD_MAX_BYTES:
            self.buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> InMemoryUploadedFile:
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            file=self.buffer,
            field_name=self.field_name,
            name=self.file_name,
            content_type=self.content_type,
            size=self.received,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def _bytes(upload: Any) -> bytes:
    limit = settings.CTM_PRIVACY_UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": limit // 2**20})
    data = bytes(upload.read(limit + 1))
    if len(data) > limit:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": limit // 2**20})
    if not data.strip():
        raise ValidationError(_("The file is empty."))
    if data.startswith(OLE_MAGIC):
        raise ValidationError(_("This is an old Excel file (.xls): save it as XLSX or CSV."))
    if not data.startswith((ZIP_MAGIC, PARQUET_MAGIC)) and b"\x00" in data[:4096]:
        raise ValidationError(_("This is not a CSV, XLSX or Parquet file."))
    return data


def read_ctdc_upload(upload: Any) -> pd.DataFrame:
    """The uploaded table, in memory, with CTDC columns only (any other column is refused)."""
    data = _bytes(upload)
    try:
        frame = read_table_bytes(data, "upload")
    except InputError as exc:
        raise ValidationError(
            _("The file cannot be read as CSV, XLSX or Parquet (%(reason)s).") % {"reason": _reason(exc)}
        ) from exc
    check_ctdc_columns([str(c) for c in frame.columns])
    if len(frame) < 2:
        raise ValidationError(_("The dataset needs at least two rows."))
    if len(frame) > MAX_ROWS:
        raise ValidationError(_("The dataset has more than %(n)s rows.") % {"n": f"{MAX_ROWS:,}"})
    return frame


def _reason(exc: InputError) -> str:
    """The kind of problem without the parser's quote of the file's content."""
    text = str(exc)
    return text.split(":")[1].strip() if text.startswith("cannot read") and ":" in text else text[:120]


def content_digest(frame: pd.DataFrame) -> str:
    return budget.dataset_id(frame)
