"""Reading uploaded files: overlap tables (CSV) and lists of people (CSV or XLSX). Every problem is a
ValidationError with one plain sentence for the form, never an exception page."""

from __future__ import annotations

import datetime
import io
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pycountry
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.core.uploads import SheetLimits, read_xlsx
from ctm.linkage.domain.queries.records import COLUMNS
from ctm.linkage.engine import CaptureTable, MSEInputError, table_from_frame

MAX_TABLE_BYTES = 1 * 2**20
MAX_LIST_BYTES = 20 * 2**20
MAX_LIST_ROWS = 200_000
MAX_RECORD_ID = 100
MAX_PROBLEMS = 50  # listed one by one; the rest counted
# what the linkage engine reads as a sex (ctm.linkage.engine.link.normalize); anything else is an error
SEX_CODES = {"m", "male", "man", "f", "female", "woman", "w"}
SHEET_LIMITS = SheetLimits(max_rows=MAX_LIST_ROWS, max_columns=100, max_cells=MAX_LIST_ROWS * 20)
ZIP_MAGIC = b"PK\x03\x04"
_BAD_NAME = re.compile(r"[^\w .()-]+")


def _read(upload: Any, limit: int) -> bytes:
    if upload.size is not None and upload.size > limit:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": limit // 2**20})
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": limit // 2**20})
    if not data.strip():
        raise ValidationError(_("The file is empty."))
    return bytes(data)


def _csv_frame(data: bytes) -> pd.DataFrame:
    if b"\x00" in data[:4096] or data.startswith(ZIP_MAGIC):
        raise ValidationError(_("This is not a CSV file (it holds binary content)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("This is not a CSV file in UTF-8.")) from exc
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise ValidationError(_("The CSV file cannot be read: check the separators and quotes.")) from exc


def read_overlap_table(upload: Any) -> CaptureTable:
    """One 0/1 column per list and `count` (the all-zero row absent)."""
    frame = _csv_frame(_read(upload, MAX_TABLE_BYTES))
    frame = frame.replace("", float("nan"))
    try:
        return table_from_frame(frame)
    except MSEInputError as exc:
        raise ValidationError(
            _(
                "This overlap table cannot be used: %(reason)s. Expected one 0/1 column per list and a 'count' column."
            )
            % {"reason": exc}
        ) from exc


def list_name(filename: str) -> str:
    """A list is named after its file, without the extension."""
    stem = _BAD_NAME.sub("-", Path(filename or "list").stem).strip(" -") or "list"
    return stem[:60]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _excel_frame(data: bytes) -> pd.DataFrame:
    """The first sheet, streamed by the project's safe reader (zip bombs, XML entities and oversized
    sheets are refused while reading: `ctm.core.uploads`)."""
    header, rows = read_xlsx(data, SHEET_LIMITS)
    names = [h or f"column {i + 1}" for i, h in enumerate(header)]
    return pd.DataFrame([[_cell_text(v) for v in row] for row in rows], columns=names, dtype=str)


def _check_people(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.set_axis([str(c).strip().lower() for c in frame.columns], axis=1)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise ValidationError(_("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)})
    frame = frame[list(COLUMNS)].astype(str).apply(lambda col: col.str.strip())
    if frame.empty:
        raise ValidationError(_("The list has no rows."))
    if len(frame) > MAX_LIST_ROWS:
        raise ValidationError(_("The list has more than %(n)s rows.") % {"n": f"{MAX_LIST_ROWS:,}"})
    problems = _row_problems(frame)
    if problems:
        shown = problems[:MAX_PROBLEMS]
        if len(problems) > MAX_PROBLEMS:
            shown.append(_("… and %(n)s more problems.") % {"n": len(problems) - MAX_PROBLEMS})
        raise ValidationError(shown)
    # a date cell of a spreadsheet reads as "1990-04-02 00:00:00"
    frame["birth_date"] = frame["birth_date"].str.split(" ").str[0]
    return frame.reset_index(drop=True)


def _row_problems(frame: pd.DataFrame) -> list[str]:
    """Every problem of the list, row by row (row 2 is the first under the header), not only the first."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, rec in enumerate(frame.to_dict("records")):
        row = index + 2
        rid = rec["record_id"]
        if not rid:
            problems.append(_("Row %(row)s: the record_id is empty.") % {"row": row})
        elif rid in seen:
            problems.append(
                _("Row %(row)s: the record_id is repeated (row %(first)s).")
                % {"row": row, "first": seen[rid]}
            )
        elif len(rid) > MAX_RECORD_ID:
            problems.append(
                _("Row %(row)s: the record_id is longer than %(n)s characters.")
                % {"row": row, "n": MAX_RECORD_ID}
            )
        seen.setdefault(rid, row)
        problems += [message % {"row": row} for message in _value_problems(rec)]
    return problems


def _value_problems(rec: dict[str, str]) -> list[str]:
    problems = []
    birth = rec["birth_date"].split(" ")[0]
    if birth and not _possible_date(birth):
        problems.append(
            _("Row %(row)s: the birth date is not a possible date (YYYY-MM-DD, YYYY-MM or YYYY).")
        )
    if rec["sex"] and rec["sex"].strip().lower() not in SEX_CODES:
        problems.append(_("Row %(row)s: the sex code is not F, M or empty."))
    if rec["citizenship"] and pycountry.countries.get(alpha_2=rec["citizenship"].upper()) is None:
        problems.append(_("Row %(row)s: the citizenship is not an ISO 3166 two-letter country code."))
    return problems


def _possible_date(text: str) -> bool:
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text)
    if not match:
        return False
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        born = datetime.date(year, month or 1, day or 1)
    except ValueError:
        return False
    return year >= 1880 and born <= timezone.localdate()


def read_people_list(upload: Any) -> tuple[str, pd.DataFrame]:
    """(list name, records) from a CSV or XLSX file with the columns of `ctm link`."""
    data = _read(upload, MAX_LIST_BYTES)
    frame = _excel_frame(data) if data.startswith(ZIP_MAGIC) else _csv_frame(data)
    return list_name(upload.name), _check_people(frame)
