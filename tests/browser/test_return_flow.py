"""A caseworker plans the return of a minor; the case manager's approval is refused until a
best-interests determination is on the case, then given; the journey is confirmed; two monitoring
visits are recorded and the trend of the sustainability score is seen — in a real browser."""

from __future__ import annotations

import datetime

import pytest

from ctm.reintegration.models import DurableSolution, MonitoringVisit
from tests.browser.test_case_flow import login
from tests.reintegration.objects import eligible, guardian_of, minor_case, return_consent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _save(page, anchor: str) -> None:
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**{anchor}")


def _visit(page, milestone: str, answer: str) -> None:
    page.get_by_role("link", name="Record a monitoring visit").click()
    page.locator("#id_milestone").select_option(milestone)
    for select in page.locator("select[name^='i_']").all():
        select.select_option(answer)
    page.get_by_label("What the visit found").select_option("staying")
    _save(page, "#monitoring")


def test_plan_and_approve_a_minors_return_then_see_the_trend(page, live_server, personas):
    p = personas
    case = minor_case(p)
    return_consent(case, p.caseworker, guardian=guardian_of(case, p.caseworker))
    eligible(case, p.case_manager)  # the register's condition of the Return stage (an approved decision)
    url = f"{live_server.url}/reintegration/cases/{case.number}/"

    login(page, live_server, "caseworker")
    page.wait_for_url("**/cases/")
    page.goto(f"{live_server.url}/cases/{case.number}/")
    page.get_by_role("link", name="Return, reintegration, monitoring and closure").click()
    page.get_by_role("link", name="Plan a return, local integration or resettlement").click()
    page.get_by_label("Kind").select_option("return")
    page.get_by_label("Destination country").select_option("MD")
    page.get_by_label("Destination place").fill("Her aunt's village")
    _save(page, "#return")
    page.get_by_role("link", name="Fit-to-travel check").click()
    page.get_by_label("Result").select_option("fit")
    _save(page, "#return")
    page.get_by_role("link", name="Add a travel document").click()
    page.get_by_label("Document").select_option("emergency")
    _save(page, "#return")
    page.get_by_role("button", name="Mark obtained").click()
    page.wait_for_url("**#return")
    page.get_by_role("link", name="Add an itinerary leg").click()
    page.get_by_label("Travel on").fill(datetime.date.today().isoformat())
    page.get_by_label("By").select_option("air")
    page.get_by_label("From").fill("Moscow")
    page.locator("#id_destination").fill("Chișinău")
    _save(page, "#return")
    assert page.get_by_role("button", name="Approve the return").count() == 0  # a caseworker does not approve
    page.get_by_role("button", name="Log out").click()

    login(page, live_server, "manager")
    page.goto(url)
    page.get_by_role("button", name="Approve the return").click()
    page.wait_for_url("**#return")
    assert page.get_by_text("needs a best-interests determination").is_visible()
    assert DurableSolution.objects.get(case=case).status == "planned"

    page.goto(f"{live_server.url}/cases/{case.number}/best-interests/new/")
    page.get_by_label("Assessed on").fill(datetime.date.today().isoformat())
    page.get_by_label("Summary").fill("Her aunt can care for her; school nearby.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(lambda u: "best-interests" not in u)
    page.goto(url)
    page.get_by_role("button", name="Approve the return").click()
    page.wait_for_url("**#return")
    assert page.get_by_text("The return is approved.").is_visible()
    assert page.get_by_text("best-interests determination on record").is_visible()

    page.get_by_role("link", name="Confirm the departure").click()
    _save(page, "#return")
    page.get_by_role("link", name="Confirm the arrival").click()
    _save(page, "#return")
    _visit(page, "3", "2")
    _visit(page, "6", "4")

    scores = [v.composite for v in MonitoringVisit.objects.filter(case=case)]
    assert [str(s) for s in scores] == ["0.25", "0.75"]
    chart = page.locator("#monitoring svg[role=img]")
    assert chart.is_visible()
    assert chart.locator("circle").count() == 8  # four scores at each of the two visits
    table = page.locator("#monitoring table")
    assert table.get_by_text("0.25").first.is_visible() and table.get_by_text("0.75").first.is_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.locator("#monitoring svg[role=img]").bounding_box()["width"] <= 375
