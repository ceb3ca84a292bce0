"""The pages: every form through the browser's path (POST), the attacks that must fail through the
page, the trend chart and its table, and the logged read of the free text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ctm.core.models import ActivityLog
from ctm.reintegration.domain import monitoring
from ctm.reintegration.models import DurableSolution, MonitoringVisit
from tests.reintegration.objects import (
    GOOD,
    SECRET,
    arrived,
    days_ago,
    fresh,
    make_reintegration,
    plan,
    ready,
    solution_for,
)

pytestmark = pytest.mark.django_db


def url(name, case, *args):
    return reverse(f"reintegration:{name}", args=[case.number, *args])


def test_plan_a_return_through_the_page_then_approval_is_refused_without_consent(client, personas):
    p = personas
    client.force_login(p.caseworker.user)
    response = client.post(
        url("new_solution", p.case),
        {"kind": "return", "destination_country": "MD", "destination_place": SECRET},
    )
    assert response.status_code == 302
    solution = DurableSolution.objects.get(case=p.case)
    ready(solution_for(solution), p.caseworker)
    client.force_login(p.case_manager.user)
    response = client.post(url("approve", p.case, solution.pk), follow=True)
    assert "No valid informed consent" in response.content.decode()
    assert solution_for(solution).status == "planned"


def test_a_caseworker_cannot_approve_through_the_page(client, personas):
    p = personas
    solution = plan(p.case, p.caseworker)
    client.force_login(p.caseworker.user)
    assert client.post(url("approve", p.case, solution.pk)).status_code == 403
    assert solution_for(solution).status == "planned"


def test_the_outsider_gets_404_for_every_form_of_the_home_case(client, personas):
    p = personas
    solution = plan(p.case, p.caseworker)
    client.force_login(p.outsider.user)
    for name, args in [("case", ()), ("new_solution", ()), ("approve", (solution.pk,)), ("new_visit", ())]:
        response = client.post(url(name, p.case, *args), {"kind": "return", "destination_country": "MD"})
        assert response.status_code == 404, name
    assert DurableSolution.objects.count() == 1


def test_bad_input_is_a_field_error_not_a_500(client, personas):
    p = personas
    client.force_login(p.caseworker.user)
    response = client.post(url("new_solution", p.case), {"kind": "return", "destination_country": "ZZ"})
    assert response.status_code == 400 and 'id="id_destination_country_error"' in response.content.decode()
    response = client.post(url("new_solution", p.case), {"kind": "return", "destination_country": "MD", "escort_required": "on"})
    assert response.status_code == 400 and "escort" in response.content.decode()


def test_two_visits_draw_the_trend_with_its_table_and_the_read_is_logged(client, personas):
    p = personas
    arrived(p)
    monitoring.record_visit(fresh(p.case), by=p.caseworker, data={"milestone": "3", "visited_on": days_ago(5), "answers": {**GOOD, "income_source": 1}, "outcome": "staying", "notes": SECRET})
    client.force_login(p.caseworker.user)
    response = client.post(
        url("new_visit", p.case),
        {"milestone": "6", "visited_on": days_ago(1).isoformat(), "outcome": "staying", **{f"i_{k}": "5" for k in GOOD}},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert [v.composite for v in MonitoringVisit.objects.filter(case=p.case)] == [Decimal("0.70"), Decimal("1.00")]
    before = ActivityLog.objects.filter(action="reintegration.record.viewed").count()
    body = client.get(url("case", p.case)).content.decode()
    assert "<svg" in body and body.count("<circle") == 8 and "<polyline" in body
    assert "1.00" in body and "Bălți" in body
    assert ActivityLog.objects.filter(action="reintegration.record.viewed").count() == before + 1


def test_scoring_page_managers_save_others_read(client, personas):
    p = personas
    client.force_login(p.caseworker.user)
    assert client.get(reverse("reintegration:scoring")).status_code == 200
    form = {f"w_{k}": "1" for k in GOOD} | {f"d_{d}": "1" for d in ("economic", "social", "psychosocial")}
    assert client.post(reverse("reintegration:scoring"), form).status_code == 403
    client.force_login(p.case_manager.user)
    assert client.post(reverse("reintegration:scoring"), {**form, "w_debt": "3"}).status_code == 302
    assert monitoring.weights_of(p.org.pk).indicators["debt"] == 3
    response = client.post(reverse("reintegration:scoring"), {**form, "d_economic": "-1"})
    assert response.status_code == 400


def test_closure_page_refuses_an_incomplete_checklist(client, personas):
    p = personas
    client.force_login(p.caseworker.user)
    response = client.post(url("close", p.case), {"reason": "plan_completed", "checks": ["person_informed"]})
    assert response.status_code == 400 and not fresh(p.case).is_closed


def test_case_page_query_count_does_not_grow_with_records(client, personas):
    p = personas
    make_reintegration(p)
    client.force_login(p.caseworker.user)
    with CaptureQueriesContext(connection) as one:
        client.get(url("case", p.case))
    for milestone in ("6", "12"):
        monitoring.record_visit(fresh(p.case), by=p.caseworker, data={"milestone": milestone, "visited_on": days_ago(1), "answers": GOOD, "outcome": "staying"})
    with CaptureQueriesContext(connection) as three:
        client.get(url("case", p.case))
    assert len(three) == len(one)


def test_the_case_page_shows_the_summary(client, personas):
    p = personas
    make_reintegration(p)
    client.force_login(p.caseworker.user)
    body = client.get(reverse("cases:detail", args=[p.case.number])).content.decode()
    assert url("case", p.case) in body and "0.75" in body
