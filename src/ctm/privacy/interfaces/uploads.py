"""Uploaded datasets: kept in memory (never a plaintext temporary file: `ctm.core.uploads`), read with
the engine's reader (CSV with any delimiter and CTDC's terms-of-use header cell, Parquet) or, for XLSX,
streamed by the project's safe reader with limits checked while reading (`ctm.core.uploads.read_xlsx`),
checked against the CTDC schema. Error messages name the problem, never a cell's content."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ctm.core.uploads import SheetLimits, ZipLimits, read_xlsx
from ctm.privacy.engine import InputError, budget, normalise_table, parse_domain, read_table_bytes
from ctm.privacy.validators import check_ctdc_columns

MAX_ROWS = 1_000_000
MAX_COLUMNS = 200  # CTDC has 63 (+ the notice column)
# CTDC's 97,750 x 63 dataset has 6.2 million cells; a sheet is refused as soon as it passes these.
SHEET_LIMITS = SheetLimits(
    max_rows=MAX_ROWS, max_columns=MAX_COLUMNS, max_cells=8_000_000, zip=ZipLimits(max_uncompressed=400 * 2**20)
)
MAX_PARQUET_UNCOMPRESSED = 400 * 2**20
MAX_DOMAIN_BYTES = 1 << 20
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
ZIP_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"


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
        if data.startswith(ZIP_MAGIC):
            frame = _xlsx_frame(data)
        else:
            if data.startswith(PARQUET_MAGIC):
                _check_parquet(data)
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


def read_domain_upload(upload: Any, columns: list[str]) -> dict[str, Any]:
    """A domain file (JSON, column -> allowed values / bounds / bins / labels) declaring every column."""
    if upload is None:
        raise ValidationError(_("Choose the domain file (JSON)."))
    if upload.size is not None and upload.size > MAX_DOMAIN_BYTES:
        raise ValidationError(_("The domain file is larger than 1 MB."))
    try:
        domain = parse_domain(json.loads(bytes(upload.read(MAX_DOMAIN_BYTES + 1)).decode("utf-8-sig")))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(_("The domain file is not valid JSON.")) from exc
    except InputError as exc:
        raise ValidationError(_("The domain file cannot be used: %(reason)s") % {"reason": str(exc)[:200]}) from exc
    missing = [c for c in columns if c not in domain.columns]
    if missing:
        raise ValidationError(
            _("The domain file does not declare these columns: %(cols)s.") % {"cols": ", ".join(missing[:8])}
        )
    return {c: domain.columns[c].describe() for c in columns}


def _xlsx_frame(data: bytes) -> pd.DataFrame:
    header, rows = read_xlsx(data, SHEET_LIMITS)
    names = [h or f"column {i + 1}" for i, h in enumerate(header)]
    return normalise_table(pd.DataFrame(rows, columns=names, dtype=object))


def _check_parquet(data: bytes) -> None:
    """Refuse a Parquet file whose metadata declares too many rows, columns or bytes (before reading).
    Pages are then decompressed into buffers of their declared size, which pyarrow enforces."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.ParquetFile(pa.BufferReader(data)).metadata
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise ValidationError(_("The file cannot be read as CSV, XLSX or Parquet (damaged Parquet).")) from exc
    if meta.num_rows > MAX_ROWS:
        raise ValidationError(_("The dataset has more than %(n)s rows.") % {"n": f"{MAX_ROWS:,}"})
    if meta.num_columns > MAX_COLUMNS:
        raise ValidationError(_("The sheet has more than %(n)s columns.") % {"n": f"{MAX_COLUMNS:,}"})
    declared = sum(
        meta.row_group(g).column(c).total_uncompressed_size
        for g in range(meta.num_row_groups)
        for c in range(meta.num_columns)
    )
    if declared > MAX_PARQUET_UNCOMPRESSED:
        raise ValidationError(
            _("The file expands to far more than its size when opened (a \"zip bomb\"); it was refused.")
        )


def _reason(exc: InputError) -> str:
    """The kind of problem without the parser's quote of the file's content."""
    text = str(exc)
    return text.split(":")[1].strip() if text.startswith("cannot read") and ":" in text else text[:120]


def content_digest(frame: pd.DataFrame) -> str:
    return budget.dataset_id(frame)
