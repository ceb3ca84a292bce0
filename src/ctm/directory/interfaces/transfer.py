"""Import and export of directory entries (CSV or XLSX).

An import is read whole, in memory, through the project's upload policy (`ctm.core.uploads`: size
limits, zip bombs and XML entities refused while reading), then every row is checked with the entry
form. The report names each row with its problems; one bad row and nothing is written
(`domain.entries.import_entries` then writes all rows in one transaction). Exports neutralize every
cell a spreadsheet would run as a formula (`ctm.core.cells`).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from ctm.core.cells import neutralize_rows, xlsx_bytes
from ctm.core.uploads import SheetLimits, read_xlsx
from ctm.directory.enums import EntryType
from ctm.directory.interfaces.forms import EntryForm
from ctm.directory.validators import country_code, language_code

MAX_BYTES = 5 * 2**20
MAX_ROWS = 5000
COLUMNS = (
    "name",
    "type",
    "country",
    "region",
    "city",
    "address",
    "phone",
    "emergency_line",
    "email",
    "website",
    "hours",
    "services",
    "languages",
    "populations",
    "notes",
    "last_verified_on",
)
REQUIRED = ("name", "type", "country")
SHEET_LIMITS = SheetLimits(max_rows=MAX_ROWS, max_columns=40, max_cells=MAX_ROWS * 40)
ZIP_MAGIC = b"PK\x03\x04"
_SPLIT = re.compile(r"[;,]")


@dataclass
class RowReport:
    row: int  # as the spreadsheet numbers it: the header is row 1
    name: str
    errors: list[str] = field(default_factory=list)


@dataclass
class ImportCheck:
    rows: list[dict[str, Any]]  # cleaned, ready for the domain (only when nothing is wrong)
    report: list[RowReport]

    @property
    def ok(self) -> bool:
        return bool(self.report) and not any(r.errors for r in self.report)

    @property
    def bad_rows(self) -> int:
        return sum(bool(r.errors) for r in self.report)


def _read(upload: Any) -> bytes:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // 2**20})
    data = bytes(upload.read(MAX_BYTES + 1))
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // 2**20})
    if not data.strip():
        raise ValidationError(_("The file is empty."))
    return data


def _csv_table(data: bytes) -> tuple[list[str], list[tuple[Any, ...]]]:
    if b"\x00" in data[:4096]:
        raise ValidationError(_("This is not a CSV file (it holds binary content)."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(_("This is not a CSV file in UTF-8.")) from exc
    try:
        table = [tuple(r) for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise ValidationError(_("The CSV file cannot be read: check the separators and quotes.")) from exc
    if not table:
        raise ValidationError(_("The sheet is empty."))
    if len(table) - 1 > MAX_ROWS:
        raise ValidationError(_("The sheet has more than %(n)s rows.") % {"n": f"{MAX_ROWS:,}"})
    return [str(h) for h in table[0]], table[1:]


def read_table(upload: Any) -> tuple[list[str], list[tuple[Any, ...]]]:
    """(header, rows) of an uploaded CSV or XLSX file."""
    data = _read(upload)
    return read_xlsx(data, SHEET_LIMITS) if data.startswith(ZIP_MAGIC) else _csv_table(data)


def _header_index(header: list[str]) -> dict[str, int]:
    names = [h.strip().lower().replace(" ", "_") for h in header]
    names = ["type" if n == "entry_type" else n for n in names]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise ValidationError(_("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)})
    return {name: names.index(name) for name in COLUMNS if name in names}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _type_code(value: str) -> str:
    with translation.override("en"):
        labels = {str(label).casefold(): code for code, label in EntryType.choices}
    text = value.strip()
    return text if text in EntryType.values else labels.get(text.casefold(), text)


def _form_data(cells: dict[str, str], errors: list[str]) -> dict[str, Any]:
    """The row as the entry form's data: codes resolved (a country's name, a language's name)."""
    data: dict[str, Any] = {
        k: v for k, v in cells.items() if k not in ("type", "services", "languages", "populations")
    }
    data["entry_type"] = _type_code(cells.get("type", ""))
    try:
        data["country"] = country_code(cells.get("country", ""))
    except ValidationError as exc:
        errors.append(f"{_('Country')}: {exc.messages[0]}")
    languages = []
    for value in _SPLIT.split(cells.get("languages", "")):
        if value.strip():
            try:
                languages.append(language_code(value))
            except ValidationError as exc:
                errors.append(f"{_('Languages')}: {exc.messages[0]}")
    data["languages"] = languages
    for name in ("services", "populations"):
        data[name] = [v.strip().lower() for v in _SPLIT.split(cells.get(name, "")) if v.strip()]
    return data


def _check_row(number: int, cells: dict[str, str]) -> tuple[RowReport, dict[str, Any] | None]:
    report = RowReport(row=number, name=cells.get("name", "")[:80])
    data = _form_data(cells, report.errors)
    form = EntryForm(data)
    if not form.is_valid():
        for name, messages in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            if name == "country" and any(e.startswith(f"{_('Country')}:") for e in report.errors):
                continue  # already said why
            report.errors += [f"{label}: {m}" if label else str(m) for m in messages]
    return report, (form.domain_data() if not report.errors else None)


def check_rows(upload: Any) -> ImportCheck:
    """Read the file and check every row; raises ValidationError for a file that cannot be read."""
    header, rows = read_table(upload)
    index = _header_index(header)
    if not rows:
        raise ValidationError(_("The list has no rows."))
    cleaned, report = [], []
    for offset, row in enumerate(rows):
        cells = {name: _text(row[i]) if i < len(row) else "" for name, i in index.items()}
        line, data = _check_row(offset + 2, cells)
        report.append(line)
        if data is not None:
            cleaned.append(data)
    return ImportCheck(rows=cleaned if len(cleaned) == len(rows) else [], report=report)


# --- export -------------------------------------------------------------------------------------

EXPORT_COLUMNS = (*COLUMNS, "directory", "verified_by", "stale")


def export_rows(entries: list[Any]) -> list[dict[str, Any]]:
    """One row per entry, in the import's columns (a file exported can be imported again)."""
    out = []
    for e in entries:
        out.append(
            {
                **{
                    c: getattr(e, c, "")
                    for c in COLUMNS
                    if c not in ("type", "services", "languages", "populations")
                },
                "type": e.entry_type,
                "services": ";".join(e.service_list),
                "languages": ";".join(e.language_list),
                "populations": ";".join(e.population_list),
                "last_verified_on": e.last_verified_on.isoformat() if e.last_verified_on else "",
                "directory": e.visibility,
                "verified_by": e.verified_by.username if e.verified_by else "",
                "stale": "yes" if e.stale else "no",
            }
        )
    return out


def to_csv(entries: list[Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(EXPORT_COLUMNS))
    writer.writeheader()
    writer.writerows(neutralize_rows(export_rows(entries)))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(entries: list[Any], *, title: str = "directory") -> bytes:
    return xlsx_bytes(
        list(EXPORT_COLUMNS), [[r[c] for c in EXPORT_COLUMNS] for r in export_rows(entries)], title
    )
