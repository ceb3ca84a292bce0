"""The case list as a spreadsheet (CSV or XLSX): the columns the role may see, cells neutralized
(ctm.core.cells) so that no name or place runs as a formula in the program that opens the file."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook

from ctm.cases import enums
from ctm.cases.interfaces.choices import country_name
from ctm.cases.models import Case
from ctm.core.cells import neutralize

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _header(with_people: bool) -> list[str]:
    people = [_("Name"), _("Age"), _("Gender")] if with_people else []
    return [
        _("Case number"),
        *people,
        _("Citizenship"),
        _("Status"),
        _("Stage"),
        _("Opened"),
        _("Office"),
        _("Owner"),
    ]


def _people(person: Any) -> list[Any]:
    return [person.name, person.age, _gender_label(person.gender)] if person else ["", None, ""]


def _row(case: Case, person: Any, with_people: bool) -> list[Any]:
    people = _people(person) if with_people else []
    return [
        case.number,
        *people,
        country_name(case.citizenship) if case.citizenship else "",
        case.get_status_display(),
        case.get_stage_display(),
        case.opened_on.isoformat() if case.opened_on else "",
        case.office.name if case.office_id else "",
        case.owner.username if case.owner_id else "",
    ]


def _gender_label(code: str) -> str:
    return str(enums.Gender(code).label) if code in enums.Gender.values else code


def table(cases: Sequence[Case], people: dict[int, Any], *, with_people: bool) -> list[list[Any]]:
    rows = [_header(with_people), *(_row(c, people.get(c.pk), with_people) for c in cases)]
    return [[neutralize(value) for value in row] for row in rows]


def write(rows: list[list[Any]], fmt: str) -> bytes:
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM: spreadsheets read it as UTF-8
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Cases"))
    for row in rows:
        sheet.append(row)
    out_bytes = io.BytesIO()
    book.save(out_bytes)
    return out_bytes.getvalue()
