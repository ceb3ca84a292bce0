"""In a real browser: import a directory CSV with two bad rows (a report, nothing written), fix it
and import, then find a shelter by country, service and language; a fund request submitted, reviewed
in another organization without the name, partly approved, paid, reported and closed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ctm.core.enums import Role
from ctm.directory.models import PrivateEntry, SharedEntry
from ctm.funds.enums import RequestState
from ctm.funds.models import FundRequest
from ctm.referrals.models import Referral
from tests import factories as f
from tests.browser.test_case_flow import login
from tests.funds.objects import fund_with_reviewer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HEADER = "name,type,country,city,services,languages,populations\n"
GOOD = (
    "Casa Speranta,shelter,MD,Chisinau,accommodation;psychosocial,ro;ru,women;minors\n"
    "Police unit,police,MD,Chisinau,identification,ro,adults\n"
    "Harbour shelter,shelter,NG,Lagos,accommodation,en,women\n"
)
BAD = "Nowhere,shelter,Atlantis,,accommodation,ro,\n,castle,MD,,,xx,\n"


def upload(page, text: str) -> None:
    page.get_by_label("CSV or XLSX file").set_input_files(
        files=[{"name": "entries.csv", "mimeType": "text/csv", "buffer": text.encode()}]
    )
    page.get_by_label("Add to").select_option("shared")
    page.get_by_role("button", name="Import").click()


def test_import_with_two_bad_rows_then_find_a_shelter(page, live_server, personas):
    f.make_member(personas.org, Role.DIRECTORY_EDITOR, "direditor")
    login(page, live_server, "direditor")
    page.goto(f"{live_server.url}/directory/import/")
    upload(page, HEADER + GOOD + BAD)
    report = page.get_by_role("alert")
    assert "2 rows to correct: nothing was imported" in report.inner_text()
    assert "Atlantis" in report.inner_text()
    assert not SharedEntry.objects.exists() and not PrivateEntry.objects.exists()

    upload(page, HEADER + GOOD)
    page.wait_for_url("**/directory/")
    assert SharedEntry.objects.count() == 3
    page.get_by_label("Country").select_option("MD")
    page.get_by_label("Service").select_option("accommodation")
    page.get_by_label("Language", exact=True).select_option("ru")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**/directory/?*")
    rows = page.locator("table tbody tr")
    assert rows.count() == 1 and "Casa Speranta" in rows.first.inner_text()
    page.get_by_role("link", name="Casa Speranta").click()
    expect(page.get_by_role("heading", name="Casa Speranta")).to_be_visible()

    # the shelter found becomes a referral recipient: a consent names it, then the referral
    ref = SharedEntry.objects.get(name="Casa Speranta").ref
    page.get_by_role("button", name="Log out").click()
    login(page, live_server, "manager")
    page.wait_for_url("**/cases/")
    n = personas.case.number
    page.goto(f"{live_server.url}/cases/{n}/")
    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("Scope").select_option("referral")
    page.get_by_label("Or an outside organization from the contact directory").select_option(ref)
    page.get_by_label("Given by").select_option("person")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/cases/{n}/#consent")
    page.get_by_role("button", name="Refer or transfer").click()
    page.get_by_label("Who receives it").select_option("directory")
    page.get_by_label("Outside organization from the contact directory").select_option(ref)
    page.get_by_label("Reason for the referral").fill("A shelter place near her family.")
    page.locator("input[name=services][value=accommodation]").check()
    page.get_by_label("Urgency").select_option("routine")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/referrals/*/")
    assert page.get_by_text("Casa Speranta (MD").is_visible()  # the contact as it was when sent
    assert Referral.objects.get().contact["name"] == "Casa Speranta"


def test_fund_request_through_its_life_and_a_reviewer_without_the_grant(page, live_server, personas):
    fund, reviewer = fund_with_reviewer(f.make_org("FND", "CH", name="Fund manager"))
    reviewer.user.username = "reviewer"
    reviewer.user.save(update_fields=["username"])
    login(page, live_server, "caseworker")
    page.goto(f"{live_server.url}/funds/{fund.pk}/")
    page.get_by_role("button", name="Request assistance").click()
    page.get_by_label("Case number").fill(personas.case.number)
    page.get_by_label("Immediate needs").fill("Shelter for two weeks and a ticket home.")
    page.get_by_label("Why no other programme can cover them").fill("The national programme is spent.")
    page.get_by_label("Accommodation", exact=True).fill("300")
    page.get_by_label("Travel and return", exact=True).fill("200")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/funds/requests/*/")
    page.get_by_role("button", name="Submit to the fund").click()
    request = FundRequest.objects.get()
    assert request.state == RequestState.SUBMITTED

    page.get_by_role("button", name="Log out").click()
    login(page, live_server, "reviewer")
    page.goto(f"{live_server.url}/funds/")
    page.get_by_role("link", name=request.reference).click()
    body = page.locator("main").inner_text()
    assert "Petrova" not in body and personas.case.number not in body
    page.get_by_role("button", name="Start the eligibility review").click()
    page.get_by_role("button", name="Decide").click()
    page.get_by_label("Approve in part").check()
    page.get_by_label("Amount approved (budget currency)").fill("300")
    page.get_by_label("Reasons").fill("The ticket is covered by the return programme.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/funds/requests/{request.pk}/")
    page.get_by_role("button", name="Record a payment").click()
    page.get_by_label("Amount paid").fill("300")
    page.locator("#id_currency").select_option("EUR")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/funds/requests/{request.pk}/")

    page.get_by_role("button", name="Log out").click()
    login(page, live_server, "caseworker")
    page.goto(f"{live_server.url}/funds/requests/{request.pk}/")
    page.get_by_role("button", name="Final report").click()
    page.get_by_label("Spent (fund currency)").fill("290")
    page.get_by_label("Final report: what was spent, receipts kept").fill("Receipts 1-3 kept at the office.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/funds/requests/{request.pk}/")

    page.get_by_role("button", name="Log out").click()
    login(page, live_server, "reviewer")
    page.goto(f"{live_server.url}/funds/requests/{request.pk}/")
    assert "Petrova" not in page.locator("main").inner_text()
    page.get_by_role("button", name="Close the request").click()
    request.refresh_from_db()
    assert request.state == RequestState.CLOSED and str(request.disbursed) == "300.00"
