"""A caseworker logs in, registers a person and opens a case, records screening and consent, finds the
case in the list, and switches the interface to French — in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ctm.cases.models import Case, Consent, ScreeningInterview
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_caseworker_flow_and_language_switch(page, live_server, personas):
    login(page, live_server, "caseworker")
    page.wait_for_url("**/cases/")
    page.get_by_role("button", name="New case").click()
    page.get_by_label("Given name").fill("Mariana")
    page.get_by_label("Family name").fill("Ceban")
    page.get_by_label("Birth date", exact=True).fill("1998-07-14")
    page.get_by_label("Gender").select_option("Feminine")
    page.get_by_label("Phone").fill("+37369123456")
    page.get_by_role("button", name="Open the case").click()
    page.wait_for_url("**/cases/MD-CHI-*/")
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    assert page.get_by_role("heading", name=f"Case {number}").is_visible()
    assert page.get_by_text("Mariana Ceban").is_visible()

    page.get_by_role("link", name="Record the screening").click()
    page.get_by_label("Interview date").fill("2026-02-03")
    page.get_by_label("Place of interview").fill("Chisinau office")
    page.get_by_label("Consent to the interview given").check()
    page.get_by_label("Interview notes").fill("Recruited through a friend for farm work.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/cases/{number}/#screening")

    page.get_by_role("link", name="Record consent").click()
    page.get_by_label("Scope").select_option("assistance")
    page.get_by_label("Given by").select_option("person")
    page.get_by_label("Told the purpose of collecting the data").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**/cases/{number}/#consent")
    case = Case.objects.get(number=number)
    assert ScreeningInterview.objects.filter(case=case).exists()
    assert Consent.objects.filter(case=case, scope="assistance").exists()

    page.goto(f"{live_server.url}/cases/?number={number}")
    assert page.get_by_role("link", name=number).is_visible()

    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("heading", name="Dossiers").is_visible()


def test_form_errors_are_shown_at_the_field(page, live_server, personas):
    login(page, live_server, "caseworker")
    page.wait_for_url("**/cases/")
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label("Phone").fill("12345")
    page.get_by_role("button", name="Open the case").click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    assert (
        "international format" in page.locator(".has-error").first.inner_text()
        or "international format" in summary.inner_text()
    )
    page.screenshot(path="/tmp/ctm-form-errors.png", full_page=True)
