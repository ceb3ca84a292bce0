"""Import (CSV and XLSX, row-by-row report, nothing half-written) and export (formulas neutralized)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ctm.core.enums import Role
from ctm.core.models import ActivityLog
from ctm.directory.models import PrivateEntry, SharedEntry
from tests.directory.objects import entry
from tests.factories import make_member

pytestmark = pytest.mark.django_db
HEADER = "name,type,country,city,services,languages,populations,emergency_line,last_verified_on\n"
GOOD = [
    "Casa Speranta,shelter,MD,Chisinau,accommodation;medical,ro;ru,women;minors,0800,2026-01-10\n",
    "Police unit,Police or anti-trafficking unit,Ukraine,Kyiv,identification,Ukrainian,adults,102,\n",
    "Hotline Moldova,hotline,MDA,,hotline,ro,,0 800 77777,\n",
]
BAD = [
    "Nowhere shelter,shelter,Atlantis,,accommodation,ro,,,\n",  # unknown country
    ",castle,MD,,teleportation,xx,,,2999-01-01\n",  # no name, unknown type, service, language; future date
]


@pytest.fixture
def editor(personas):
    return make_member(personas.org, Role.DIRECTORY_EDITOR, "direditor")


def upload(text: str, name: str = "entries.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_two_bad_rows_nothing_written_and_a_row_by_row_report(client, editor):
    client.force_login(editor.user)
    before = ActivityLog.objects.count()
    text = HEADER + GOOD[0] + BAD[0] + GOOD[1] + BAD[1] + GOOD[2]
    response = client.post(reverse("directory:import"), {"file": upload(text), "visibility": "shared"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "2 rows to correct: nothing was imported" in page
    report = response.context["check"].report
    assert [r.row for r in report if r.errors] == [3, 5]
    assert "Atlantis" in " ".join(report[1].errors)
    assert len(report[3].errors) >= 5, report[3].errors  # name, type, service, language, date
    assert not SharedEntry.objects.exists() and not PrivateEntry.objects.exists()
    assert ActivityLog.objects.count() == before


def test_a_good_file_is_imported_whole(client, editor, personas):
    client.force_login(editor.user)
    response = client.post(
        reverse("directory:import"), {"file": upload(HEADER + "".join(GOOD)), "visibility": "private"}
    )
    assert response.status_code == 302
    rows = list(
        PrivateEntry.objects.order_by("name").values_list("name", "country", "entry_type", "languages")
    )
    assert rows == [
        ("Casa Speranta", "MD", "shelter", "|ro|ru|"),
        ("Hotline Moldova", "MD", "hotline", "|ro|"),
        ("Police unit", "UA", "police", "|uk|"),
    ]
    assert PrivateEntry.objects.get(name="Casa Speranta").verified_by == editor.user
    assert {e.organization_id for e in PrivateEntry.objects.all()} == {personas.org.pk}
    assert ActivityLog.objects.filter(action="directory.entries.imported").count() == 1


def test_xlsx_import(client, editor):
    book = openpyxl.Workbook()
    sheet = book.active
    for line in (HEADER, *GOOD):
        sheet.append(next(csv.reader([line])))
    buffer = io.BytesIO()
    book.save(buffer)
    client.force_login(editor.user)
    file = SimpleUploadedFile("entries.xlsx", buffer.getvalue())
    assert client.post(reverse("directory:import"), {"file": file, "visibility": "shared"}).status_code == 302
    assert SharedEntry.objects.count() == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"name,city\nA,B\n", "Missing column(s): type, country."),
        (b"\x00\x01binary", "binary content"),
        (b"PK\x03\x04garbage", "not a valid ZIP"),
        (HEADER.encode(), "The list has no rows."),
    ],
)
def test_unreadable_files_are_a_form_error(client, editor, content, message):
    client.force_login(editor.user)
    file = SimpleUploadedFile("x.csv", content)
    response = client.post(reverse("directory:import"), {"file": file, "visibility": "shared"})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_only_editors_import(client, personas):
    client.force_login(personas.case_manager.user)
    response = client.post(
        reverse("directory:import"), {"file": upload(HEADER + GOOD[0]), "visibility": "shared"}
    )
    assert response.status_code == 403
    assert not SharedEntry.objects.exists()


def test_exports_neutralize_formulas(client, editor):
    entry(editor, name='=HYPERLINK("http://evil")', notes="@SUM(A1)")
    client.force_login(editor.user)
    text = client.get(reverse("directory:export", args=["csv"])).content.decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["name"].startswith("'=") and row["notes"].startswith("'@")
    data = client.get(reverse("directory:export", args=["xlsx"])).content
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert values[0].startswith("'=")
    assert client.get(reverse("directory:export", args=["pdf"])).status_code == 404


def test_an_export_imports_again(client, editor):
    entry(editor)
    entry(editor, name="Police", entry_type="police", country="UA", languages="|uk|", services="")
    client.force_login(editor.user)
    exported = client.get(reverse("directory:export", args=["csv"])).content
    file = SimpleUploadedFile("again.csv", exported)
    assert (
        client.post(reverse("directory:import"), {"file": file, "visibility": "private"}).status_code == 302
    )
    assert PrivateEntry.objects.count() == 2


def test_every_iso_code_reads_as_itself():
    """pycountry's lookup matches names too: "en" once read as the language "En" (enc)."""
    import pycountry

    from ctm.directory.validators import country_code, language_code

    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if code:
            assert language_code(code) == code and language_code(code.upper()) == code
    for country in pycountry.countries:
        assert country_code(country.alpha_2) == country.alpha_2
        assert country_code(country.alpha_3.lower()) == country.alpha_2
    assert language_code("English") == "en" and country_code("Moldova, Republic of") == "MD"
