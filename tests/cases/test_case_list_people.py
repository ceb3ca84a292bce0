"""The case list shows who each case is about to the people who serve them, logs that read once per
page naming the cases, sorts by its columns keeping the filters, and exports what it shows."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ctm.core.models import ActivityLog
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def listed_entries():
    return ActivityLog.objects.filter(action="cases.person.listed").order_by("id")


def test_a_caseworker_sees_name_age_sex_and_citizenship_and_the_read_is_logged_once(client, personas):
    other = make_case(personas.caseworker, given="Ion", family="Rusu")
    client.force_login(personas.caseworker.user)
    body = client.get(reverse("cases:list")).content.decode()
    assert "Olga Petrova" in body and "Ion Rusu" in body
    assert "Female" in body and "Moldova" in body
    (entry,) = listed_entries()
    assert sorted(entry.changes["cases"]) == sorted([personas.case.number, other.number])
    assert entry.changes["purpose"] == "case list"
    assert entry.organization_id == personas.org.pk


def test_an_auditor_reads_the_list_without_identities(client, personas):
    client.force_login(personas.auditor.user)
    body = client.get(reverse("cases:list")).content.decode()
    assert personas.case.number in body and "Petrova" not in body
    assert not listed_entries().exists()


def test_names_of_cases_not_on_the_page_are_neither_shown_nor_logged(client, personas, settings):
    settings.CTM_CASE_PAGE_SIZE = 1
    newer = make_case(personas.caseworker, given="Ion", family="Rusu")
    client.force_login(personas.caseworker.user)
    body = client.get(reverse("cases:list") + "?sort=number").content.decode()
    assert "Olga Petrova" in body and "Rusu" not in body
    assert listed_entries().get().changes["cases"] == [personas.case.number]
    assert newer.number not in str(listed_entries().get().changes)


def test_sorting_keeps_the_filters_and_flips(client, personas):
    second = make_case(personas.caseworker, given="Ion", family="Rusu")
    client.force_login(personas.caseworker.user)
    url = reverse("cases:list")
    up = client.get(url + "?status=Active&sort=number").content.decode()
    down = client.get(url + "?status=Active&sort=-number").content.decode()
    assert up.index(personas.case.number) < up.index(second.number)
    assert down.index(second.number) < down.index(personas.case.number)
    assert "status=Active&amp;sort=-number" in up  # the header flips the order, filters kept
    assert 'aria-sort="ascending"' in up


def test_an_unknown_sort_is_refused_with_a_message_not_an_error_page(client, personas):
    client.force_login(personas.caseworker.user)
    response = client.get(reverse("cases:list") + "?sort=person__given_name")
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()


def _csv(response):
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode(
        "utf-8-sig"
    )
    return list(csv.reader(io.StringIO(text)))


def test_the_export_holds_the_list_neutralized_and_is_logged(client, personas):
    make_case(personas.caseworker, given='=HYPERLINK("http://x")', family="Rusu")
    client.force_login(personas.caseworker.user)
    response = client.get(reverse("cases:export", args=["csv"]) + "?status=Active")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('cases.csv"')
    rows = _csv(response)
    assert rows[0][:3] == ["Case number", "Name", "Age"]
    names = {row[1] for row in rows[1:]}
    assert "Olga Petrova" in names
    assert '\'=HYPERLINK("http://x") Rusu' in names  # a formula is text in a spreadsheet
    exported = ActivityLog.objects.get(action="cases.list.exported")
    assert exported.changes == {"format": "csv", "rows": 2, "filters": "status=Active"}
    assert listed_entries().get().changes["purpose"] == "case list export (csv)"


def test_the_auditor_export_has_no_identity_columns(client, personas):
    client.force_login(personas.auditor.user)
    rows = _csv(client.get(reverse("cases:export", args=["csv"])))
    assert "Name" not in rows[0] and "Petrova" not in str(rows)
    assert rows[1][0] == personas.case.number


def test_the_xlsx_export_opens(client, personas):
    client.force_login(personas.case_manager.user)
    response = client.get(reverse("cases:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0] == personas.case.number and values[1][1] == "Olga Petrova"


def test_an_unknown_export_format_is_404(client, personas):
    client.force_login(personas.caseworker.user)
    assert client.get(reverse("cases:export", args=["exe"])).status_code == 404


def test_the_outsider_exports_nothing_of_ours(client, personas):
    client.force_login(personas.outsider.user)
    rows = _csv(client.get(reverse("cases:export", args=["csv"])))
    assert "Petrova" not in str(rows) and personas.case.number not in str(rows)


def test_a_partner_listing_a_shared_case_is_in_the_owners_log(client, personas):
    import datetime

    from ctm.cases.domain import cases as case_domain
    from ctm.cases.domain import consent as consent_domain

    p = personas
    consent = consent_domain.record_consent(
        p.case,
        by=p.caseworker,
        data={"scope": "referral", "given_on": datetime.date.today(), "referral_organization": p.other_org},
    )
    case_domain.share_case(p.case, by=p.case_manager, consent=consent)
    client.force_login(p.outsider.user)  # a case manager of the partner organization
    body = client.get(reverse("cases:list")).content.decode()
    assert "Olga Petrova" in body and "Somchai Boonmee" in body
    entries = {e.organization_id: e for e in listed_entries()}
    assert entries[p.org.pk].changes == {
        "purpose": "case list",
        "cases": [p.case.number],
        "reader_organization": p.other_org.code,
    }
    assert entries[p.other_org.pk].changes["cases"] == [p.outsider_case.number]


def _results(body: str) -> str:
    start = body.index('<div id="case-results"')
    return body[start : body.index("</div>", body.index("<table", start))]


def test_sort_headers_and_pager_are_links_that_htmx_follows_in_place(client, personas, settings):
    """Without JavaScript the headers and the pager are plain links (the same URLs); with htmx they
    load the same URL and swap the results only, the address updated (hx-boost under #case-results)."""
    settings.CTM_CASE_PAGE_SIZE = 1
    second = make_case(personas.caseworker, given="Ion", family="Rusu")
    client.force_login(personas.caseworker.user)
    body = client.get(reverse("cases:list") + "?status=Active&sort=number").content.decode()
    region = body[body.index('<div id="case-results"') :]
    opening = region[: region.index(">")]
    for attribute in ('hx-target="#case-results"', 'hx-select="#case-results"', 'hx-push-url="true"'):
        assert attribute in opening
    thead = region[region.index("<thead") : region.index("</thead>")]
    assert thead.startswith('<thead hx-boost="true">') and 'href="?status=Active&amp;sort=-number"' in thead
    pager = region[region.index('<div hx-boost="true">') :]
    assert 'href="?status=Active&amp;sort=number&amp;page=2"' in pager[: pager.index("</nav>")]
    assert "hx-boost" not in region[region.index("<tbody>") : region.index("</tbody>")]  # case links: pages
    # the links answer the same with and without htmx (the results are taken from the full page)
    url = reverse("cases:list") + "?status=Active&sort=number&page=2"
    plain, htmx = (
        client.get(url).content.decode(),
        client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true"),
    )
    assert htmx.status_code == 200 and second.number in plain and personas.case.number not in _results(plain)
    assert _results(htmx.content.decode()) == _results(plain)
