"""The case list's sort headers and pager update the results in place (htmx, the address kept in
step, no page load); with JavaScript off the same links load the page (the same URLs)."""

from __future__ import annotations

import pytest

from tests.browser.test_case_flow import login
from tests.browser.test_case_page import until
from tests.factories import make_case

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _first_case(page) -> str:
    return page.locator("#case-results tbody tr td a").first.inner_text()


def test_sorting_and_paging_in_place(page, live_server, personas, settings):
    settings.CTM_CASE_PAGE_SIZE = 1
    second = make_case(personas.caseworker, given="Ion", family="Rusu")
    first = personas.case.number
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, live_server, "caseworker")
    page.wait_for_url("**/cases/")
    page.goto(f"{live_server.url}/cases/?sort=number")
    assert _first_case(page) == first
    page.evaluate("window.ctmSamePage = true")  # gone if the page is loaded again
    page.locator("#case-results thead").get_by_role("link", name="Case number").click()
    assert until(lambda: _first_case(page) == second.number)
    assert page.url.endswith("?sort=-number")  # the address follows (hx-push-url)
    assert page.locator('th[aria-sort="descending"]').count() == 1
    page.get_by_role("link", name="Next").click()
    assert until(lambda: _first_case(page) == first)
    assert "page=2" in page.url and "sort=-number" in page.url
    assert page.evaluate("window.ctmSamePage === true")  # both in place
    assert errors == []


def test_sorting_and_paging_without_javascript(no_js_page, live_server, personas, settings):
    settings.CTM_CASE_PAGE_SIZE = 1
    second = make_case(personas.caseworker, given="Ion", family="Rusu")
    page = no_js_page
    login(page, live_server, "caseworker")
    page.wait_for_url("**/cases/")
    page.goto(f"{live_server.url}/cases/?sort=number")
    page.locator("#case-results thead").get_by_role("link", name="Case number").click()
    page.wait_for_url("**/cases/?sort=-number")
    assert _first_case(page) == second.number
    page.get_by_role("link", name="Next").click()
    page.wait_for_url("**page=2**")
    assert _first_case(page) == personas.case.number
