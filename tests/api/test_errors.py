"""Bad input never gives a 500: 400 for a body that is not JSON, 422 with details, 403, 404, 409."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from ctm.core.models import Office
from tests.api.conftest import PREFIX, World


def test_body_that_is_not_json_is_400(world: World) -> None:
    client = Client()
    headers = {"Authorization": f"Bearer {world.tokens['caseworker']}"}
    for body in ("{not json", "\x00\x01", '{"body": "x"'):
        response = client.post(
            f"{PREFIX}/cases/{world.number}/notes", body, content_type="application/json", headers=headers
        )
        assert response.status_code == 400
        assert response.json() == {"detail": "Cannot parse request body"}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/notes", {"body": ["a", "list"]}),  # wrong type
        ("/notes", {"body": "   "}),  # empty once stripped
        ("/notes", {"body": "x" * 20_001}),  # huge string
        ("/notes", {"body": "nul \x00 inside"}),  # PostgreSQL cannot store it
        ("/notes", {"body": "ok", "author": 1}),  # unknown field
        ("/notes", []),  # not an object
        ("/stage", {"stage": "paused"}),  # unknown enum value
        ("/stage", {}),  # missing field
        ("/close", {"reason": "bored", "checks": ["person_informed"]}),
        ("/close", {"reason": "other", "closed_on": "2999-01-01", "checks": ["person_informed"]}),  # future
        ("/close", {"reason": "other", "checks": ["not_a_check"]}),
        ("/events", {"event_type": "Transit", "country": "XX"}),  # not an ISO 3166 code
        ("/events", {"event_type": "Transit", "country": "MDA"}),
        ("/events", {"event_type": "Transit", "country": "MD", "start_date": "2020-02-30"}),
        ("/events", {"event_type": "Transit", "country": "MD", "place": "p" * 100_000}),
        ("/consents", {"scope": "research", "given_on": "yesterday"}),
        ("/consents", {"scope": "assistance", "given_on": "2024-01-01", "guardian": 10**30}),  # huge id
        ("/eligibility", {"trafficking_status": "Maybe", "decision_body": "NGO", "decided_on": "2024-01-01"}),
        ("/screening", {"version": 1, "interview_date": "2024-01-01", "language": "zz"}),
        ("/screening", {"version": 1, "interview_date": "2024-01-01", "recruitment_cost": "1e20"}),
        ("/screening", {"version": 1, "interview_date": "2024-01-01", "exploitation_months": 10**9}),
        ("/victim-context", {"version": 1, "means_of_control": ["Magic"]}),
        ("/victim-context", {"version": 1, "age_when_trafficked": -1}),
        ("/person/documents", {"kind": "passport", "number": ""}),
    ],
)
def test_invalid_input_is_422_with_details(world: World, as_: Any, path: str, body: Any) -> None:
    method = "put" if path in ("/screening", "/victim-context") else "post"
    response = getattr(as_("caseworker"), method)(f"/cases/{world.number}{path}", body)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    assert detail and isinstance(detail, list) and "loc" in detail[0]


def test_person_input_is_checked(world: World, as_: Any) -> None:
    caller = as_("caseworker")
    cases = [
        {
            "person": {
                "given_name": "A",
                "birth_date": (datetime.date.today() + datetime.timedelta(days=3)).isoformat(),
            }
        },
        {"person": {"given_name": "A", "citizenships": ["ZZ"]}},
        {"person": {"given_name": "A", "languages": ["klingon"]}},
        {"person": {"given_name": "A", "gender": "Other"}},
        {"person": {"given_name": "A", "estimated_age": 500}},
        {"person": {"given_name": "A" * 201}},
        {"person": {"given_name": "A", "contacts": [{"kind": "pigeon", "value": "x"}]}},
        {"person": {}},  # a name is required
        {"person": {"given_name": "A"}, "office": 10**20},
    ]
    for body in cases:
        assert caller.post("/cases", body).status_code == 422, body
    version = caller.get(f"/cases/{world.number}/person").json()["version"]
    assert (
        caller.patch(f"/cases/{world.number}/person", {"version": version, "given_name": None}).status_code
        == 422
    )
    assert caller.patch(f"/cases/{world.number}/person", {"given_name": "No version"}).status_code == 422


def test_domain_errors_are_422_with_field_errors(world: World, as_: Any) -> None:
    caller = as_("caseworker")
    response = caller.post(f"/cases/{world.number}/stage", {"stage": "closed"})
    assert response.status_code == 422
    assert response.json() == {
        "detail": "Use 'close the case' to close it.",
        "errors": {"__all__": ["Use 'close the case' to close it."]},
    }
    response = caller.post(
        f"/cases/{world.number}/events",
        {"event_type": "Transit", "country": "UA", "start_date": "2024-05-01", "end_date": "2024-04-01"},
    )
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["end_date"]
    response = caller.post(f"/cases/{world.number}/consents", {"scope": "referral", "given_on": "2024-01-01"})
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["referral_organization"]
    consent = world.ids["consent"]
    response = caller.post(
        f"/cases/{world.number}/consents/{consent}/withdraw", {"withdrawn_on": "2000-01-01"}
    )
    assert response.status_code == 422 and "withdrawn_on" in response.json()["errors"]
    response = caller.post(f"/cases/{world.ids['closed_number']}/stage", {"stage": "assistance"})
    assert response.status_code == 422
    assert as_("case_manager").post(
        f"/cases/{world.number}/consents",
        {"scope": "assistance", "given_on": "2024-01-01", "referral_organization": 10**9},
    ).json()["errors"] == {"referral_organization": ["No such organization."]}


def test_another_organizations_ids_are_not_usable(world: World, as_: Any) -> None:
    caller = as_("caseworker")
    other_office = world.ids["other_office"]
    response = caller.post("/cases", {"person": {"given_name": "A"}, "office": other_office})
    assert response.status_code == 422
    assert response.json()["errors"] == {"office": ["No such office in your organization."]}
    response = caller.patch(f"/cases/{world.number}", {"version": 1, "office": other_office})
    assert response.status_code == 422
    assert caller.get("/cases", office=other_office).json()["count"] == 0
    # a guardian of another case (the outsider's) cannot be named in a consent
    from ctm.cases.models import Guardian

    foreign = Guardian.objects.filter(organization=world.personas.other_org.pk).first()
    response = caller.post(
        f"/cases/{world.number}/consents",
        {"scope": "assistance", "given_on": "2024-01-01", "given_by": "guardian", "guardian": foreign.pk},
    )
    assert response.status_code == 422 and response.json()["errors"] == {
        "guardian": ["No such guardian for this case."]
    }
    # an event of the outsider's case, addressed through the home case: 404
    from ctm.cases.models import TraffickingEvent

    foreign_event = TraffickingEvent.objects.filter(organization=world.personas.other_org.pk).first()
    assert caller.delete(f"/cases/{world.number}/events/{foreign_event.pk}").status_code == 404
    assert Office.objects.filter(pk=other_office).exists()


@pytest.mark.parametrize(
    "number", ["twin", "MD-CHI-2020-99999", "..%2F..%2Fetc", "A%00B", "x" * 200, "md-chi-2026-00001'--"]
)
def test_unknown_or_foreign_case_numbers_are_404(world: World, as_: Any, number: str) -> None:
    number = world.ids["twin_number"] if number == "twin" else number
    caller = as_("case_manager")
    for method, path, body in [
        ("GET", "", None),
        ("GET", "/person", None),
        ("GET", "/notes", None),
        ("POST", "/notes", {"body": "x"}),
        ("PATCH", "", {"version": 1}),
    ]:
        response = caller.request(method, f"/cases/{number}{path}", body)
        assert response.status_code == 404, (method, path, number)
        assert response.json() == {"detail": "Not Found"}


def test_bad_query_parameters_are_422(world: World, as_: Any) -> None:
    caller = as_("case_manager")
    for query in (
        {"limit": 0},
        {"limit": 1000},
        {"offset": -1},
        {"offset": 10**30},
        {"status": "Open"},
        {"opened_from": "yesterday"},
        {"minor": "perhaps"},
        {"office": "HQ"},
        {"citizenship": "Moldova"},
    ):
        assert caller.get("/cases", **query).status_code == 422, query
    assert caller.get(f"/cases/{world.number}/consents/check", scope="everything").status_code == 422
    assert caller.get(f"/cases/{world.number}/consents/check").status_code == 422
    assert caller.get(f"/cases/{world.number}/events/{10**30}").status_code in (404, 405)
    assert caller.delete(f"/cases/{world.number}/events/{10**30}").status_code == 422


def test_version_conflicts_are_409(world: World, as_: Any) -> None:
    caller = as_("caseworker")
    n = world.number
    before = caller.get(f"/cases/{n}").json()
    # a real change (the world's high-risk assessment may already have raised the flag)
    changed = caller.patch(
        f"/cases/{n}", {"version": before["version"], "high_risk": not before["high_risk"]}
    )
    assert changed.json()["version"] == before["version"] + 1 == 2
    response = caller.patch(f"/cases/{n}", {"version": 1, "sensitive": True})
    assert response.status_code == 409
    assert "changed by someone else" in response.json()["detail"]
    assert caller.patch(f"/cases/{n}/person", {"version": 1, "address": "A"}).status_code == 200
    assert caller.patch(f"/cases/{n}/person", {"version": 1, "address": "B"}).status_code == 409
    assert caller.get(f"/cases/{n}/person").json()["address"] == "A"
    assert (
        caller.put(f"/cases/{n}/victim-context", {"version": 1, "age_when_trafficked": 16}).status_code == 200
    )
    assert (
        caller.put(f"/cases/{n}/victim-context", {"version": 1, "age_when_trafficked": 17}).status_code == 409
    )
    assert (
        caller.put(f"/cases/{n}/screening", {"version": 1, "interview_date": "2024-01-01"}).status_code == 200
    )
    assert (
        caller.put(f"/cases/{n}/screening", {"version": 1, "interview_date": "2024-01-02"}).status_code == 409
    )


def test_every_operation_refuses_an_unknown_query_parameter(world: World) -> None:
    """`?fork=1` (a misspelt filter, a probe) is refused with a 422 naming it, on every operation of
    the schema — before anything is read or written, and after authentication."""
    from ctm.api.urls import api
    from ctm.core.models import ActivityLog

    client = Client()
    headers = {"Authorization": f"Bearer {world.tokens['case_manager']}"}
    schema = api.get_openapi_schema()
    writes = ActivityLog.objects.exclude(action__startswith="security.").count()
    checked = 0
    for path, operations in schema["paths"].items():
        url = path.replace("{number}", world.number)
        url = "/" + "/".join("1" if part.startswith("{") else part for part in url.split("/")[1:])
        for method in operations:
            response = getattr(client, method)(f"{url}?fork=1&sort=x", headers=headers)
            assert response.status_code == 422, f"{method.upper()} {url}: {response.status_code}"
            detail = response.json()["detail"]
            assert [(e["loc"], e["type"]) for e in detail] == [
                (["query", "fork"], "extra_forbidden"),
                (["query", "sort"], "extra_forbidden"),
            ], url
            checked += 1
            anonymous = getattr(Client(), method)(f"{url}?fork=1")
            assert anonymous.status_code == 401, url  # authentication first
    assert checked > 40
    assert ActivityLog.objects.exclude(action__startswith="security.").count() == writes
    # a declared parameter is still accepted
    assert client.get(f"{PREFIX}/shelters?day=2026-01-01", headers=headers).status_code in (200, 422)
