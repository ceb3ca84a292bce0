"""Cases through the API: list filters and pagination, search, create, update, assign, stages, closure."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from ctm.core.models import ActivityLog
from ctm.reintegration.enums import ClosureCheck
from tests.api.conftest import World

CHECKS = list(ClosureCheck.values)


def numbers(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {c["number"] for c in response.json()["items"]}


def test_list_filters_are_those_of_the_page(world: World, as_: Any) -> None:
    main, closed, minor = world.number, world.ids["closed_number"], world.ids["minor_number"]
    caller = as_("case_manager")
    hq, field = world.personas.org.offices.order_by("id")
    today = timezone.localdate()
    expectations = [
        ({}, {main, closed, minor}),
        ({"status": "Closed"}, {closed}),
        ({"status": "Active"}, {main, minor}),
        ({"stage": "screening"}, {main, minor}),
        ({"office": hq.pk}, {main, closed, minor}),
        ({"office": field.pk}, set()),
        ({"owner": world.personas.caseworker.user_id}, {main, closed, minor}),
        ({"owner": world.personas.case_manager.user_id}, set()),
        ({"citizenship": "MD"}, {main, closed, minor}),
        ({"citizenship": "TH"}, set()),
        ({"exploitation_country": "RU"}, {main}),
        ({"exploitation_type": "ForcedLabour"}, {main}),
        ({"exploitation_type": "SexualExploitation"}, set()),
        ({"minor": "true"}, {minor}),
        ({"minor": "false"}, {main, closed}),
        ({"opened_from": today.isoformat()}, {main, closed, minor}),
        ({"opened_from": (today + datetime.timedelta(days=1)).isoformat()}, set()),
        ({"opened_to": (today - datetime.timedelta(days=1)).isoformat()}, set()),
        ({"number": main.lower()}, {main}),
        ({"status": "Active", "minor": "true"}, {minor}),
    ]
    for query, expected in expectations:
        assert numbers(caller.get("/cases", **query)) == expected, query


def test_list_is_paginated(world: World, as_: Any) -> None:
    caller = as_("case_manager")
    first = caller.get("/cases", limit=1).json()
    second = caller.get("/cases", limit=1, offset=1).json()
    assert first["count"] == second["count"] == 3
    assert (first["limit"], first["offset"], second["offset"]) == (1, 0, 1)
    assert len(first["items"]) == len(second["items"]) == 1
    assert first["items"][0]["number"] != second["items"][0]["number"]
    assert caller.get("/cases", offset=50).json()["items"] == []


def test_list_items_hold_no_identifying_data(world: World, as_: Any) -> None:
    content = as_("case_manager").get("/cases").content.decode()
    for secret in ("Olga", "Petrova", "1995-04-02", "AB1234567", "+37360000000"):
        assert secret not in content


def test_create_case_with_person(world: World, as_: Any) -> None:
    field = world.personas.org.offices.get(code="FLD")
    body = {
        "person": {
            "given_name": "Elena",
            "family_name": "Munteanu",
            "birth_date": "2010-03-01",
            "gender": "Feminine",
            "citizenships": ["MD", "RO"],
            "languages": ["ro", "rus"],
            "contacts": [{"kind": "phone", "value": "+37369000000"}],
            "other_names": ["Lena", "Lena"],
        },
        "office": field.pk,
        "identified_on": "2025-01-10",
        "high_risk": True,
    }
    response = as_("case_manager").post("/cases", body)
    assert response.status_code == 201, response.content
    case = response.json()
    assert case["number"].startswith("MD-CHI-")
    assert case["office"]["code"] == "FLD"
    assert case["owner"]["username"] == "manager"
    assert (case["is_minor"], case["high_risk"], case["citizenship"], case["stage"]) == (
        True,
        True,
        "MD",
        "screening",
    )
    person = as_("case_manager").get(f"/cases/{case['number']}/person").json()
    assert person["citizenships"] == ["MD", "RO"] and person["other_names"] == ["Lena"]
    assert ActivityLog.objects.filter(action="cases.case.opened", object_label=case["number"]).exists()
    # the caseworker does not see a case they neither own nor are assigned to
    assert as_("caseworker").get(f"/cases/{case['number']}").status_code == 404


def test_update_assign_and_stage(world: World, as_: Any) -> None:
    manager = as_("case_manager")
    n = world.number
    response = manager.patch(f"/cases/{n}", {"version": 1, "sensitive": True, "identified_on": "2025-02-01"})
    assert response.status_code == 200
    assert (response.json()["sensitive"], response.json()["identified_on"], response.json()["version"]) == (
        True,
        "2025-02-01",
        2,
    )
    owner = world.personas.other_caseworker.user_id
    response = manager.post(
        f"/cases/{n}/assign", {"owner": owner, "assignees": [world.personas.caseworker.user_id]}
    )
    assert response.status_code == 200
    assert response.json()["owner"]["username"] == "caseworker2"
    assert [a["username"] for a in response.json()["assignees"]] == ["caseworker"]
    # only caseworkers of the case's organization; unknown users are a field error
    outsider = world.personas.outsider.user_id
    assert manager.post(f"/cases/{n}/assign", {"owner": outsider}).status_code == 403
    assert manager.post(f"/cases/{n}/assign", {"assignees": [10**9]}).json()["errors"] == {
        "assignees": ["No such user."]
    }
    response = manager.post(f"/cases/{n}/stage", {"stage": "monitoring"})
    assert (response.json()["stage"], response.json()["status"]) == ("monitoring", "FollowUp")


def test_close_and_reopen(world: World, as_: Any) -> None:
    from tests import factories as f

    caseworker = as_("caseworker")
    n = f.make_case(world.personas.caseworker, given="Petru", family="Cebotari").number  # nothing open on it
    assert (
        caseworker.post(f"/cases/{world.number}/close", {"reason": "other", "checks": CHECKS}).status_code
        == 422
    )
    response = caseworker.post(f"/cases/{n}/close", {"reason": "referred", "note": "to the shelter"})
    assert response.status_code == 422  # the old call, without the checklist: closes nothing
    assert caseworker.get(f"/cases/{n}").json()["status"] == "Active"
    body = {"reason": "referred", "note": "to the shelter", "checks": CHECKS}
    assert caseworker.post(f"/cases/{n}/close", {**body, "checks": CHECKS[:-1]}).status_code == 422
    response = caseworker.post(f"/cases/{n}/close", body)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["stage"], response.json()["closure_reason"]) == (
        "ClosedReferred",
        "closed",
        "referred",
    )
    assert caseworker.post(f"/cases/{n}/close", {"reason": "other", "checks": CHECKS}).status_code == 422
    response = caseworker.post(f"/cases/{n}/reopen", {"reason": "returned"})
    assert (response.json()["status"], response.json()["stage"], response.json()["reopen_count"]) == (
        "Active",
        "assistance",
        1,
    )
    assert caseworker.post(f"/cases/{n}/reopen", {}).status_code == 422


def test_a_minors_closure_waits_for_a_case_manager(world: World, as_: Any) -> None:
    minor = world.ids["minor_number"]
    case = as_("caseworker").get(f"/cases/{minor}").json()
    assert (case["closure_requested"], case["status"]) == (True, "Active")
    response = as_("case_manager").post(f"/cases/{minor}/close/reject")
    assert response.json()["closure_requested"] is False
    assert as_("case_manager").post(f"/cases/{minor}/close/reject").status_code == 422
    response = as_("case_manager").post(
        f"/cases/{minor}/close", {"reason": "plan_completed", "checks": CHECKS}
    )
    assert response.json()["status"] == "Closed"


def test_searches_are_post_only_and_logged(world: World, as_: Any) -> None:
    caller = as_("caseworker")
    assert caller.get(
        "/cases/search/name", full_name="Olga Petrova", birth_date="1995-04-02"
    ).status_code in (404, 405)
    found = caller.post(
        "/cases/search/name", {"full_name": "  petrova OLGA ", "birth_date": "1995-04-02"}
    ).json()
    assert [c["number"] for c in found] == [world.number]
    assert (
        caller.post("/cases/search/name", {"full_name": "Olga Petrova", "birth_date": "1995-04-03"}).json()
        == []
    )
    found = caller.post("/cases/search/document", {"number": "ab 123-4567"}).json()
    assert [c["number"] for c in found] == [world.number]
    searches = ActivityLog.objects.filter(
        action="cases.person.searched", actor=world.personas.caseworker.user
    )
    assert searches.count() == 3
    assert all("Olga" not in str(e.changes) for e in searches)


def test_duplicate_warning_before_creating(world: World, as_: Any) -> None:
    caller = as_("other_caseworker")
    found = caller.post(
        "/cases/duplicates", {"given_name": "Olga", "family_name": "Petrova", "birth_date": "1995-04-02"}
    ).json()
    assert found == [{"case_number": world.number, "match": "exact"}]
    found = caller.post(
        "/cases/duplicates", {"given_name": "Olgha", "family_name": "Petrova", "birth_year": 1995}
    ).json()
    assert {"case_number": world.number, "match": "similar"} in found
    assert world.ids["twin_number"] not in str(found)
