"""A caseworker plans a shelter stay and medical care with the person, a case manager approves the
plan, and both services are delivered: admitted to the shelter and discharged, the medical care
recorded — in a real browser."""

from __future__ import annotations

import pytest

from ctm.assistance.domain.shelters import create_shelter
from ctm.assistance.models import AssistancePlan, ServiceRecord, ShelterStay
from tests.browser.test_case_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_and_deliver_a_shelter_and_a_medical_service(page, live_server, personas):
    p = personas
    create_shelter(by=p.case_manager, name="Casa Speranta", places=4)
    n = p.case.number
    assistance = f"{live_server.url}/assistance/cases/{n}/"

    login(page, live_server, "caseworker")
    page.wait_for_url("**/cases/")
    page.goto(assistance)
    page.get_by_role("link", name="Start a plan").click()
    page.get_by_label("Objectives").fill("Safe accommodation and a medical check-up.")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**#plans")
    for kind in ("accommodation", "medical"):
        page.get_by_role("link", name="Add a planned service").click()
        page.get_by_label("Support type").select_option(kind)
        page.get_by_role("button", name="Save").click()
        page.wait_for_url("**#plans")
    page.get_by_role("link", name="Record the person's agreement").click()
    page.get_by_label("How the person agreed").select_option("signed")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**#plans")
    page.get_by_role("button", name="Log out").click()

    login(page, live_server, "manager")
    page.goto(assistance)
    page.get_by_role("button", name="Approve the plan").click()
    page.wait_for_url("**#plans")
    assert page.get_by_text("Approved by manager").is_visible()

    # the shelter: the planned accommodation recorded, the person admitted, then discharged
    page.get_by_role("link", name="Record the service").first.click()
    assert page.get_by_label("Support type").input_value() == "accommodation"
    page.locator("#id_provider_kind").select_option("own")  # no provider is assumed
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**#services")
    page.get_by_role("link", name="Admit to a shelter").click()
    page.locator("#id_shelter").select_option(label="Casa Speranta")
    page.get_by_label("Accommodation service").select_option(index=1)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**#stays")
    page.get_by_role("link", name="Discharge").click()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**#stays")

    # the medical care: recorded from its planned service, then delivered
    page.get_by_role("link", name="Record the service").nth(1).click()
    assert page.get_by_label("Support type").input_value() == "medical"
    page.locator("#id_provider_kind").select_option("own")  # no provider is assumed
    page.get_by_label("Cost").fill("35.00")
    page.get_by_label("Currency").select_option("MDL")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**#services")
    page.locator("#services").get_by_role("link", name="Change").click()
    page.get_by_label("New status").select_option("delivered")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**#services")
    assert page.locator("#services").get_by_text("35.00 MDL").is_visible()

    plan = AssistancePlan.objects.get(case=p.case)
    assert plan.status == "approved" and plan.agreed_on is not None
    delivered = ServiceRecord.objects.filter(case=p.case, plan_item__plan=plan, status="delivered")
    assert sorted(delivered.values_list("support_type", flat=True)) == ["accommodation", "medical"]
    assert ShelterStay.objects.get(case=p.case).discharged_on is not None
