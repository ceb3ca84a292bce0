"""The manager dashboard in a browser: a case manager opens it and sees, for each panel with figures,
its chart (drawn on the server) beside its table; the CSV download of each panel parses and holds
the same columns and rows as the table; at 1280 px and on a 375 px phone nothing scrolls sideways;
axe finds nothing serious or critical; and all of it again in French."""

from __future__ import annotations

import csv
import io

import pytest

from tests.browser.crawler import AXE, AXE_RUN
from tests.browser.test_case_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Each panel's section: its table's header and rows as shown (the first cell of a row is a <th>).
TABLES = """() => [...document.querySelectorAll("section[id^=panel-]")].map(s => {
  const table = s.querySelector("table");
  const chart = s.querySelector("img.chart, svg");
  const link = [...s.querySelectorAll("a[download]")].map(a => a.getAttribute("href"))[0] || "";
  return {
    id: s.id,
    title: s.querySelector("h2").textContent.trim(),
    columns: [...table.querySelectorAll("thead th")].map(th => th.textContent.trim()),
    rows: [...table.querySelectorAll("tbody tr")]
      .filter(tr => !tr.querySelector("td[colspan]"))
      .map(tr => [...tr.children].map(c => c.textContent.trim())),
    chart: chart ? chart.tagName.toLowerCase() : "",
    drawn: chart ? (chart.tagName === "IMG" ? chart.complete && chart.naturalWidth > 0
                                            : chart.getBoundingClientRect().width > 0) : false,
    csv: link,
  };
})"""


def _figures(personas) -> None:
    """Cases at several stages, services, a referral each way: panels with something to draw."""
    from tests.assistance.objects import assistance_objects
    from tests.referrals.objects import referral_objects

    assistance_objects(personas)
    referral_objects(personas)


def _load_all_charts(page) -> None:
    """The charts load lazily: scroll each into view, then wait for the images."""
    for chart in page.locator("section[id^=panel-] img.chart").all():
        chart.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")


def _no_axe_problems(page) -> list[str]:
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))  # through the DevTools protocol
    return list(page.evaluate(AXE_RUN))


def _check_panels(page, *, decimal_comma: bool = False) -> int:
    """Every panel: a table; a drawn chart when it has rows; a CSV that matches the table."""
    _load_all_charts(page)
    panels = page.evaluate(TABLES)
    assert len(panels) >= 4, [p["title"] for p in panels]
    charted = 0
    for panel in panels:
        assert panel["columns"], panel["title"]
        if panel["rows"] and panel["chart"]:
            assert panel["drawn"], f"{panel['title']}: the chart did not load"
            charted += 1
        assert panel["csv"], f"{panel['title']}: no CSV link"
        with page.expect_download() as info:
            page.locator(f"#{panel['id']} a[download]").click()
        content = open(info.value.path(), encoding="utf-8").read()  # noqa: SIM115
        parsed = list(csv.reader(io.StringIO(content)))
        assert parsed[0] == panel["columns"], panel["title"]
        got = parsed[1:]
        if decimal_comma:  # the page localizes decimals (1,5); the CSV keeps a point (1.5)
            got = [[v.replace(".", ",") for v in row] for row in got]
        assert got == panel["rows"], panel["title"]
    return charted


def _wide(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"scrolls sideways at {width} px ({scroll} px wide)"


@pytest.fixture
def desk(browser):
    context = browser.new_context(
        locale="en-GB", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()



def test_a_case_manager_reads_the_dashboard_at_1280_px_then_in_french(desk, live_server, personas):
    _figures(personas)
    page = desk
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    login(page, live_server, "manager")
    page.wait_for_url("**/cases/")
    page.goto(f"{live_server.url}/dashboard/")
    assert page.get_by_role("heading", name="Dashboard", level=1).is_visible()
    assert _check_panels(page) >= 2  # at least two panels have figures to draw
    _wide(page, 1280)
    assert _no_axe_problems(page) == []

    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "fr"
    page.goto(f"{live_server.url}/dashboard/")
    assert page.get_by_role("heading", name="Tableau de bord", level=1).is_visible()
    assert "Télécharger « " in page.content()
    assert _check_panels(page, decimal_comma=True) >= 2
    _wide(page, 1280)
    assert _no_axe_problems(page) == []
    assert errors == []


def test_the_dashboard_on_a_phone_in_both_languages(phone, live_server, personas):
    _figures(personas)
    page = phone
    login(page, live_server, "manager")
    page.wait_for_url("**/cases/")
    page.goto(f"{live_server.url}/dashboard/")
    _load_all_charts(page)
    _wide(page, 375)
    assert _no_axe_problems(page) == []
    assert _check_panels(page) >= 2
    page.get_by_role("button", name="Menu").click()  # a phone: the navigation is folded
    page.get_by_role("button", name="Français").click()
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/dashboard/")
    _load_all_charts(page)
    assert page.locator("html").get_attribute("lang") == "fr"
    _wide(page, 375)
    assert _no_axe_problems(page) == []
