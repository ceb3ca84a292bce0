"""The case page on a phone, by keyboard, with htmx: the sections are tabs (arrow keys move between
them), a note is added in place (a refused save shows its error in place, a saved one updates its
section and the summary), the case list's filters update the list in place — and axe finds nothing
serious on the page with a form opened in place. Without JavaScript the same links lead to the form
pages (tests/cases/test_case_page.py)."""

from __future__ import annotations

import time

import pytest

from ctm.cases.models import Note
from tests.browser.crawler import AXE, AXE_RUN
from tests.browser.test_case_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



def until(check, seconds: float = 10) -> bool:
    """Poll from Python (the CSP forbids the string evaluation of Playwright's wait_for_function)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_tabs_by_keyboard_and_a_note_added_in_place_on_a_phone(phone, live_server, personas):
    page = phone
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, live_server, "caseworker")
    page.wait_for_url("**/cases/")
    number = personas.case.number
    page.goto(f"{live_server.url}/cases/{number}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    tabs = page.get_by_role("tab")
    assert tabs.count() >= 9
    assert page.get_by_role("tab", selected=True).inner_text() == "Person"  # a phone: one section
    assert page.locator("#person").is_visible() and not page.locator("#notes").is_visible()

    page.get_by_role("tab", name="Person").focus()
    page.keyboard.press("End")
    assert page.get_by_role("tab", selected=True).inner_text() == "Timeline"
    page.keyboard.press("ArrowRight")  # wraps to the first: "All"
    assert page.get_by_role("tab", selected=True).inner_text() == "All"
    page.get_by_role("tab", name="Notes").click()
    assert page.locator("#notes").is_visible() and not page.locator("#person").is_visible()

    page.locator("#notes").get_by_role("link", name="Add a note").click()
    form = page.locator("#part-form-add_note")
    form.wait_for()
    assert page.url.endswith(f"/cases/{number}/notes/new/")  # the form's address (a reload shows it)
    assert page.locator("#person").count() == 1  # but the case page stayed: the form came in place
    # the focus moves into the form's field once the swapped-in form has settled
    page.wait_for_function("document.activeElement && document.activeElement.name === 'body'", timeout=5000)
    page.evaluate(AXE.read_text(encoding="utf-8"))  # as the crawler loads it (tests/browser/crawler.py)
    assert page.evaluate(AXE_RUN) == []

    form.get_by_role("button", name="Save").click()  # empty: refused, in place
    form.locator(".field-error").wait_for()
    form.get_by_label("Note").fill("Called the shelter: a place is free on Monday.")
    form.get_by_role("button", name="Save").click()
    assert until(lambda: Note.objects.filter(case=personas.case).count() == 1)
    assert until(lambda: page.locator("#notes article").count() == 1)
    assert (
        page.locator("#notes").is_visible() and page.get_by_role("tab", selected=True).inner_text() == "Notes"
    )
    assert until(lambda: page.evaluate("document.activeElement.id") == "h-notes")  # focus on the section
    assert errors == []


def test_the_case_list_filters_update_the_list_in_place(phone, live_server, personas):
    page = phone
    login(page, live_server, "caseworker")
    page.wait_for_url("**/cases/")
    page.get_by_text("Filter cases").click()
    before = page.locator("#case-results caption").inner_text()
    page.get_by_label("Stage").select_option("monitoring")
    assert until(lambda: page.locator("#case-results caption").inner_text() != before)
    assert "stage=monitoring" in page.url  # the filter is kept in the address
    assert page.locator("#case-results").get_by_text("No cases match.").is_visible()
