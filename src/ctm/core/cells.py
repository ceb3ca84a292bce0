"""Cells that spreadsheets execute, neutralized: one helper for every CSV or XLSX that CTM writes for
people to open (published releases and their dictionary, command-line outputs of `ctm anonymize`,
`ctm synthesize`, `ctm link`, `ctm overlaps`).

A text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel, LibreOffice
and Google Sheets as a formula ("CSV injection": `=HYPERLINK(...)`, `=cmd|' /C calc'!A0`). Such a
value gets a leading apostrophe, the usual mark of "text, not a formula" (OWASP). A plain number
(`-5`, `+3.2`, `-1e3`) is left alone: it is not a formula. Headers are neutralized too. Parquet and
JSON outputs are for programs and keep values exactly. No Django here: the command-line tools use it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from typing import Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralize(value: Any) -> Any:
    """The value, with a leading apostrophe when a spreadsheet would run it as a formula."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralize_rows(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows for csv.DictWriter, keys and values neutralized."""
    return [{neutralize(k): neutralize(v) for k, v in row.items()} for row in rows]


def neutralize_frame(frame: Any) -> Any:
    """A copy of a pandas DataFrame with every text cell and column name neutralized (attrs kept)."""
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if getattr(series.dtype, "kind", "O") not in "biufcmM":  # text (object, str, string), not numbers
            out[column] = series.map(neutralize, na_action="ignore")
    out.columns = [neutralize(c) for c in out.columns]
    out.attrs = dict(frame.attrs)
    return out


def spreadsheet_suffix(path: Any) -> bool:
    """True for the files people open in a spreadsheet (CSV, TSV, XLSX)."""
    return str(path).lower().endswith((".csv", ".tsv", ".txt", ".xlsx", ".xlsm"))


def xlsx_bytes(header: list[str], rows: Iterable[Iterable[Any]], title: str = "data") -> bytes:
    """A one-sheet workbook (openpyxl, write-only), the header and every text cell neutralized."""
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    sheet.append([neutralize(h) for h in header])
    for row in rows:
        sheet.append([neutralize(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
