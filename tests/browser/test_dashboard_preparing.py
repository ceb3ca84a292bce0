"""A manager's first visit of the dashboard (no snapshot yet, no worker running): the page comes at
once with every shared panel "being prepared", announced in a live status; htmx asks for them, one
request per app, whose sections replace their placeholders with their tables, charts and CSVs; axe finds
nothing serious, in English and French. Without JavaScript each placeholder's link shows its panel on a page of its own."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_case_flow import login
from tests.browser.test_case_page import until
from tests.browser.test_dashboard import _check_panels, _figures, _no_axe_problems
from tests.runtime.thread_queue import DATABASE_BACKEND

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PANEL_REQUEST = "**/dashboard/*.*/**"  # /dashboard/<app>.<panel>/ (not the .csv / .png)
TOGETHER_REQUEST = "**/dashboard/panels/?*"  # an app's panels being prepared, in one request


@pytest.fixture(autouse=True)
def _first_visit_without_a_worker(settings):
    settings.CTM_DASHBOARD_REFRESH_SECONDS = 60
    settings.CTM_DASHBOARD_MAX_AGE_SECONDS = 900
    settings.TASKS = DATABASE_BACKEND  # the refresh job waits: no worker here


def _busy(page) -> int:
    return page.locator("section[aria-busy=true]").count()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_panels_come_in_place_of_their_placeholders(browser, live_server, personas, language):
    _figures(personas)
    context = browser.new_context(
        locale="en-GB", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, live_server, "manager")
    page.wait_for_url("**/cases/")
    if language == "fr":
        page.get_by_role("button", name="Français").click()
        page.wait_for_load_state()
    held, alone = [], []  # the requests for the panels, held until the placeholders are checked
    page.route(TOGETHER_REQUEST, lambda route: held.append(route))
    page.route(PANEL_REQUEST, lambda route: alone.append(route) or route.continue_())
    page.goto(f"{live_server.url}/dashboard/")
    status = page.locator("#panels-status")
    assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
    preparing = "en préparation" if language == "fr" else "being prepared"
    assert preparing in status.inner_text()
    assert _busy(page) == 6
    assert _no_axe_problems(page) == []
    assert until(lambda: len(held) == 3)  # one per app: cases, assistance, reintegration
    # One at a time: the test server's in-memory SQLite locks whole tables (a file in WAL mode, as
    # installed, waits instead; PostgreSQL locks the row); a browser sends them at once.
    for route in held:
        before = _busy(page)
        route.continue_()
        assert until(lambda before=before: _busy(page) < before), "a panel stayed being prepared"
    assert _busy(page) == 0
    ready = ("est prêt", "sont prêts") if language == "fr" else ("is ready", "are ready")
    assert any(word in status.inner_text() for word in ready)
    assert alone == []  # no panel asked for on its own
    assert _check_panels(page, decimal_comma=language == "fr") >= 2  # tables, charts and CSVs agree
    assert _no_axe_problems(page) == []
    assert errors == []
    context.close()


def test_without_javascript_a_placeholder_links_to_its_panel(no_js_page, live_server, personas):
    _figures(personas)
    page = no_js_page
    login(page, live_server, "manager")
    page.wait_for_url("**/cases/")
    page.goto(f"{live_server.url}/dashboard/")
    assert _busy(page) == 6  # nothing fetches them: each has its link
    page.get_by_role("link", name="Show “Caseload per caseworker” now").click()
    expect(page.get_by_role("heading", name="Caseload per caseworker", level=2)).to_be_visible()
    assert page.locator("table tbody th", has_text="caseworker").count() == 1
    page.get_by_role("link", name="Back to every panel").click()
    assert _busy(page) == 5  # that panel is kept in the snapshot: shown at once now
