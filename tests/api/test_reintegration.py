"""The return and reintegration API: the same rules as the pages (no return without informed consent,
a minor's needs a best-interests determination), field errors as 422, logged reads, no leaks."""

from __future__ import annotations

import pytest

from ctm.core.models import ActivityLog
from ctm.reintegration.models import DurableSolution
from tests.api.conftest import World
from tests.reintegration.objects import GOOD, eligible, guardian_of, minor_case, return_consent

pytestmark = pytest.mark.django_db
LEG = {"travel_on": "2026-01-05", "mode": "road", "origin": "Odesa", "destination": "Chișinău"}


def _ready(cw, number: str) -> int:
    sid = cw.post(f"/cases/{number}/returns", {"kind": "return", "destination_country": "MD", "destination_place": "Soroca"}).json()["id"]
    assert cw.post(f"/cases/{number}/returns/{sid}/fit", {"result": "fit"}).status_code == 200
    assert cw.post(f"/cases/{number}/returns/{sid}/documents", {"kind": "passport", "status": "obtained"}).status_code == 201
    assert cw.post(f"/cases/{number}/returns/{sid}/legs", LEG).status_code == 201
    return int(sid)


def test_a_return_without_informed_consent_is_refused_then_travelled_with_it(world: World, as_) -> None:
    p, n = world.personas, world.number
    cw, manager = as_("caseworker"), as_("case_manager")
    sid = _ready(cw, n)
    r = manager.post(f"/cases/{n}/returns/{sid}/approve")
    assert r.status_code == 422 and "consent" in r.json()["detail"]
    assert cw.post(f"/cases/{n}/returns/{sid}/approve").status_code == 403
    return_consent(p.case, p.caseworker)
    eligible(p.case, p.case_manager)  # the register's condition of the Return stage
    approved = manager.post(f"/cases/{n}/returns/{sid}/approve").json()
    assert approved["status"] == "approved" and approved["consent"]
    assert cw.post(f"/cases/{n}/returns/{sid}/departure", {}).json()["status"] == "departed"
    assert cw.post(f"/cases/{n}/returns/{sid}/arrival", {}).json()["status"] == "arrived"
    visit = cw.post(f"/cases/{n}/visits", {"milestone": "3", "answers": GOOD, "outcome": "staying"})
    assert visit.status_code == 201 and visit.json()["composite"] == "0.75"
    trend = cw.get(f"/cases/{n}/trend").json()
    assert [t["composite"] for t in trend] == ["0.75"]


def test_a_minors_return_needs_a_best_interests_determination(world: World, as_) -> None:
    p = world.personas
    case = minor_case(p)
    return_consent(case, p.caseworker, guardian=guardian_of(case, p.caseworker))
    sid = _ready(as_("caseworker"), case.number)
    r = as_("case_manager").post(f"/cases/{case.number}/returns/{sid}/approve")
    assert r.status_code == 422 and "best-interests" in r.json()["detail"]
    assert DurableSolution.objects.get(pk=sid).status == "planned"


def test_the_outsider_cannot_reach_a_return_of_home_even_through_its_own_case(world: World, as_) -> None:
    p, n = world.personas, world.number
    sid = _ready(as_("caseworker"), n)
    return_consent(p.case, p.caseworker)
    outsider = as_("outsider")
    assert outsider.post(f"/cases/{n}/returns/{sid}/approve").status_code == 404
    assert outsider.post(f"/cases/{world.ids['twin_number']}/returns/{sid}/approve").status_code == 404
    assert DurableSolution.objects.get(pk=sid).status == "planned"


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/returns", {"kind": "return", "destination_country": "md"}, None),
        ("/returns", {"kind": "return", "destination_country": "MD", "receiving_contact": 999999}, "receiving_contact"),
        ("/returns", {"kind": "return", "destination_country": "MD", "escort_required": True}, "escort"),
        ("/returns", {"kind": "return", "destination_country": "MD", "escort_required": "yes"}, None),
        ("/visits", {"milestone": "3", "answers": {"debt": 6}, "outcome": "staying"}, None),
        ("/visits", {"milestone": "3", "answers": {"debt": "4"}, "outcome": "staying"}, None),
        ("/visits", {"milestone": "3", "outcome": "staying"}, None),  # no arrival yet
        ("/reintegration-plans", {"needs": "x", "solution": 999999}, "solution"),
        ("/closure", {"reason": "plan_completed", "checks": ["person_informed"]}, "checks"),
    ],
)
def test_bad_input_is_a_422(world: World, as_, path: str, body: dict, field: str | None) -> None:
    r = as_("caseworker").post(f"/cases/{world.number}{path}", body)
    assert r.status_code == 422, r.content
    if field:
        assert field in r.json()["errors"]


def test_lists_log_the_read_of_free_text(world: World, as_) -> None:
    _ready(as_("caseworker"), world.number)
    before = ActivityLog.objects.filter(action="reintegration.record.viewed").count()
    body = as_("auditor").get(f"/cases/{world.number}/returns").json()
    assert body[0]["destination_place"] == "Soroca" and len(body[0]["legs"]) == 1
    assert ActivityLog.objects.filter(action="reintegration.record.viewed").count() == before + 1


def test_weights_read_by_readers_set_by_managers(world: World, as_) -> None:
    assert as_("caseworker").put("/reintegration/scoring", {"dimensions": {"social": 2}}).status_code == 403
    r = as_("case_manager").put("/reintegration/scoring", {"dimensions": {"social": 2}})
    assert r.status_code == 200 and r.json()["dimensions"]["social"] == "2.00"
    assert as_("case_manager").put("/reintegration/scoring", {"dimensions": {"social": 500}}).status_code == 422
    assert as_("caseworker").get("/reintegration/scoring").json()["dimensions"]["social"] == "2.00"


def test_schema_names_are_unique_across_the_api() -> None:
    """ninja names an OpenAPI component after its class: two `DocumentIn`s would make one operation
    document the other's body (it happened: a travel document's body on the person's documents)."""
    import importlib
    import inspect
    import pkgutil

    from ninja import Schema

    import ctm.api.schemas as package

    seen: dict[str, str] = {}
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if issubclass(obj, Schema) and obj.__module__ == module.__name__:
                assert name not in seen, f"{name} in {seen.get(name)} and {module.__name__}"
                seen[name] = module.__name__
