"""The assistance API: the same rules as the pages, field errors as 422, logged reads, no leaks."""

from __future__ import annotations

import pytest

from ctm.assistance.models import AssistancePlan, RiskAssessment
from ctm.core.models import ActivityLog
from tests.api.conftest import SECRET_NOTE, World

pytestmark = pytest.mark.django_db


def test_assess_plan_and_deliver_through_the_api(world: World, as_) -> None:
    p, n = world.personas, world.number
    cw, manager = as_("caseworker"), as_("case_manager")
    r = cw.post(f"/cases/{n}/assessments", {"safety_risk": "low", "factors": {"stigma": "protective"}})
    assert r.status_code == 201 and r.json()["factors"] == [
        {"factor": "stigma", "level": "community", "kind": "protective"}
    ]
    plan = cw.post(f"/cases/{n}/plans", {"objectives": "Heal", "responsible": p.caseworker.user_id}).json()
    item = cw.post(
        f"/cases/{n}/plans/{plan['id']}/items",
        {"support_type": "medical", "responsible": p.caseworker.user_id},
    ).json()
    assert cw.post(f"/cases/{n}/plans/{plan['id']}/agreement", {"method": "signed"}).status_code == 200
    assert cw.post(f"/cases/{n}/plans/{plan['id']}/approve").status_code == 403
    approved = manager.post(f"/cases/{n}/plans/{plan['id']}/approve").json()
    assert approved["status"] == "approved" and approved["approved_by"]["id"] == p.case_manager.user_id
    service = cw.post(
        f"/cases/{n}/services",
        {
            "support_type": "medical",
            "plan_item": item["id"],
            "provider_kind": "own",
            "cost": "99.90",
            "currency": "MDL",  # exact ISO 4217 codes, as countries and languages
        },
    ).json()
    assert service["cost"] == "99.90" and service["currency"] == "MDL" and service["plan_item"] == item["id"]
    done = cw.post(f"/cases/{n}/services/{service['id']}/status", {"status": "delivered"}).json()
    assert done["status"] == "delivered" and done["ended_on"]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/assessments", {"safety_risk": "low", "factors": {"nope": "risk"}}, None),
        ("/assessments", {"safety_risk": "low", "assessed_on": "2999-01-01"}, None),
        ("/plans", {"objectives": "x", "responsible": 999999}, "responsible"),
        ("/services", {"support_type": "medical", "provider_kind": "outside"}, "provider_name"),
        ("/services", {"support_type": "medical", "provider_kind": "own", "cost": "5"}, "currency"),
        ("/services", {"support_type": "medical", "provider_kind": "own", "plan_item": 999999}, "plan_item"),
        (
            "/services",
            {"support_type": "medical", "provider_kind": "own", "cost": "-1", "currency": "EUR"},
            None,
        ),
        ("/stays", {"shelter": 999999}, "shelter"),
        ("/stays", {"shelter": 1, "unknown": 1}, None),
    ],
)
def test_bad_input_is_a_422_with_details(world: World, as_, path, body, field) -> None:
    r = as_("caseworker").post(f"/cases/{world.number}{path}", body)
    assert r.status_code == 422, r.content
    if field:
        assert field in r.json()["errors"]


def test_lists_log_the_read_of_free_text_once(world: World, as_) -> None:
    for part in ("assessments", "plans", "services"):
        before = ActivityLog.objects.order_by("-id").values_list("id", flat=True).first()
        r = as_("caseworker").get(f"/cases/{world.number}/{part}")
        assert r.status_code == 200 and "Secret: she hides" in r.content.decode()
        reads = ActivityLog.objects.filter(id__gt=before)
        assert [(e.action, e.changes["parts"]) for e in reads] == [("assistance.record.viewed", [part])]


def test_the_outsider_reaches_nothing(world: World, as_) -> None:
    outsider = as_("outsider")
    for part in ("assessments", "plans", "services"):
        r = outsider.get(f"/cases/{world.number}/{part}")
        assert r.status_code == 404 and "Secret: she hides" not in r.content.decode()
    plan = AssistancePlan.objects.get(case=world.case)
    r = outsider.post(f"/cases/{world.ids['twin_number']}/plans/{plan.pk}/approve")
    assert r.status_code == 404  # another case's plan through the outsider's own case
    r = outsider.post(f"/cases/{world.ids['twin_number']}/stays", {"shelter": world.ids["shelter"]})
    assert r.status_code == 422 and "shelter" in r.json()["errors"]
    assert "Casa Speranta" not in outsider.get("/shelters").content.decode()
    assert outsider.get("/tasks").json() == []
    assert SECRET_NOTE not in outsider.get("/tasks").content.decode()
    assert RiskAssessment.objects.filter(case=world.case).count() == 1


def _grow(world: World, kind: str) -> None:
    from ctm.assistance.domain import assessments, services, shelters
    from tests.assistance.objects import fresh, make_plan

    p = world.personas
    for i in range(2):
        if kind == "assessments":
            assessments.record_assessment(
                fresh(p.case), by=p.caseworker, safety_risk="low", factors={"stigma": "risk"}
            )
        elif kind == "plans":
            make_plan(p)
        elif kind == "services":
            services.record_service(
                fresh(p.case),
                by=p.caseworker,
                data={"support_type": "legal", "provider_kind": "own", "notes": "n"},
            )
        elif kind == "shelters":
            shelters.create_shelter(by=p.case_manager, name=f"More {i}", places=2)


@pytest.mark.parametrize(
    ("kind", "role", "path"),
    [
        ("assessments", "caseworker", "/cases/{number}/assessments"),
        ("plans", "caseworker", "/cases/{number}/plans"),
        ("services", "caseworker", "/cases/{number}/services"),
        ("shelters", "caseworker", "/shelters"),
    ],
)
def test_list_query_count_does_not_grow(world: World, kind, role, path) -> None:
    from tests.api.conftest import Caller
    from tests.api.test_queries import count_queries

    caller = Caller(world.tokens[role])
    url = path.format(**world.ids)
    one = count_queries(caller, "GET", url)
    before = len(caller.get(url).json())
    _grow(world, kind)
    assert len(caller.get(url).json()) == before + 2
    assert count_queries(caller, "GET", url) == one, kind
