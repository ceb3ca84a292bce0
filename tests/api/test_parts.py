"""Person, victim context, events, consents (and `may`), guardians, notes, screening, eligibility."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from ctm.core.models import ActivityLog
from tests.api.conftest import DOCUMENT, SECRET_NOTE, World


def reads(world: World, action: str, role: str = "caseworker") -> int:
    user = world.membership(role).user
    return ActivityLog.objects.filter(action=action, actor=user, object_label=world.number).count()


def days_ago(n: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=n)).isoformat()


def test_reading_the_person_is_logged(world: World, as_: Any) -> None:
    before = reads(world, "cases.person.viewed", "auditor")
    person = as_("auditor").get(f"/cases/{world.number}/person").json()
    assert (person["given_name"], person["family_name"], person["birth_date"]) == (
        "Olga",
        "Petrova",
        "1995-04-02",
    )
    assert person["documents"][0]["number"] == DOCUMENT
    assert person["contacts"] == [{"kind": "phone", "value": "+37360000000"}]
    assert reads(world, "cases.person.viewed", "auditor") == before + 1
    entry = ActivityLog.objects.filter(action="cases.person.viewed").first()
    assert entry.changes == {"purpose": "api"}


def test_update_person_with_version(world: World, as_: Any) -> None:
    caller = as_("caseworker")
    n = world.number
    response = caller.patch(
        f"/cases/{n}/person", {"version": 1, "family_name": "Ivanova", "birth_date": "2009-01-01"}
    )
    assert response.status_code == 200
    assert (response.json()["family_name"], response.json()["given_name"], response.json()["version"]) == (
        "Ivanova",
        "Olga",
        2,
    )
    assert caller.get(f"/cases/{n}").json()["is_minor"] is True
    found = caller.post(
        "/cases/search/name", {"full_name": "Olga Ivanova", "birth_date": "2009-01-01"}
    ).json()
    assert [c["number"] for c in found] == [n]
    entry = ActivityLog.objects.filter(action="cases.person.updated").first()
    assert "Ivanova" not in str(entry.changes)  # identifying values are masked in the log


def test_documents(world: World, as_: Any) -> None:
    caller = as_("caseworker")
    n = world.number
    response = caller.post(
        f"/cases/{n}/person/documents",
        {"kind": "national_id", "number": "2001234567890", "issuing_country": "MD"},
    )
    assert response.status_code == 201 and response.json()["issuing_country"] == "MD"
    assert [
        c["number"] for c in caller.post("/cases/search/document", {"number": "2001234567890"}).json()
    ] == [n]
    assert caller.delete(f"/cases/{n}/person/documents/{response.json()['id']}").status_code == 204
    assert caller.post("/cases/search/document", {"number": "2001234567890"}).json() == []
    assert caller.delete(f"/cases/{n}/person/documents/{response.json()['id']}").status_code == 404


def test_victim_context_versions(world: World, as_: Any) -> None:
    caller = as_("caseworker")
    n = world.number
    context = caller.get(f"/cases/{n}/victim-context").json()
    assert (context["version"], context["exploitation_types"], context["exploitation_country"]) == (
        1,
        ["ForcedLabour"],
        "RU",
    )
    body = {
        "version": 1,
        "age_when_trafficked": 16,
        "recruitment_method": "ThroughOnlineSocialNetworks",
        "means_of_control": ["DebtBondage", "WithholdsDocuments", "DebtBondage"],
        "exploitation_types": ["SexualExploitation"],
        "sex_exploitation_types": ["Prostitution"],
        "exploitation_country": "TR",
    }
    context = caller.put(f"/cases/{n}/victim-context", body).json()
    assert (context["version"], context["majority_when_trafficked"], context["means_of_control"]) == (
        2,
        "Minor",
        ["DebtBondage", "WithholdsDocuments"],
    )
    assert context["recruitment_place"] == ""  # a PUT replaces the whole context
    listed = {
        c["number"] for c in caller.get("/cases", exploitation_type="SexualExploitation").json()["items"]
    }
    assert listed == {n}
    # a case without a context yet: version 0, and the first PUT creates it
    other = world.ids["closed_number"]
    assert caller.get(f"/cases/{other}/victim-context").json()["version"] == 0
    assert (
        caller.put(f"/cases/{other}/victim-context", {"version": 0, "age_when_trafficked": 30}).json()[
            "version"
        ]
        == 1
    )
    assert (
        caller.put(f"/cases/{other}/victim-context", {"version": 0, "age_when_trafficked": 31}).status_code
        == 409
    )


def test_events(world: World, as_: Any) -> None:
    caller = as_("caseworker")
    n = world.number
    created = caller.post(
        f"/cases/{n}/events",
        {
            "event_type": "Recruitment",
            "country": "MD",
            "place": "Chișinău",
            "start_date": "2023-01-01",
            "end_date": "2023-02-01",
        },
    )
    assert created.status_code == 201
    events = caller.get(f"/cases/{n}/events").json()
    assert [e["event_type"] for e in events] == ["Recruitment", "Exploitation"]
    assert events[0]["place"] == "Chișinău"
    assert caller.delete(f"/cases/{n}/events/{created.json()['id']}").status_code == 204
    assert [e["event_type"] for e in caller.get(f"/cases/{n}/events").json()] == ["Exploitation"]


def test_consent_may_semantics(world: World, as_: Any) -> None:
    caller = as_("caseworker")
    n = world.number
    check = f"/cases/{n}/consents/check"
    assert caller.get(check, scope="processing").json()["may"] is True
    assert (
        caller.get(check, scope="processing", on=days_ago(11)).json()["may"] is False
    )  # before it was given
    assert caller.get(check, scope="research").json()["may"] is False
    consent = world.ids["consent"]
    response = caller.post(
        f"/cases/{n}/consents/{consent}/withdraw", {"withdrawn_on": days_ago(2), "withdrawn_by": "person"}
    )
    assert response.status_code == 200 and response.json()["withdrawn_on"] == days_ago(2)
    assert caller.get(check, scope="processing").json()["may"] is False
    assert caller.get(check, scope="processing", on=days_ago(5)).json() == {
        "scope": "processing",
        "organization": None,
        "on": days_ago(5),
        "may": True,
    }
    assert caller.post(f"/cases/{n}/consents/{consent}/withdraw", {}).status_code == 422  # already withdrawn
    # a referral consent counts only for the organization it names
    other_org, home_org = world.ids["other_org"], world.ids["home_org"]
    response = caller.post(
        f"/cases/{n}/consents",
        {
            "scope": "referral",
            "given_on": days_ago(1),
            "referral_organization": other_org,
            "told_purpose": True,
        },
    )
    assert response.status_code == 201
    assert (
        response.json()["referral_organization"]["code"] == "OUT" and response.json()["told_purpose"] is True
    )
    assert caller.get(check, scope="referral", organization=other_org).json()["may"] is True
    assert caller.get(check, scope="referral", organization=home_org).json()["may"] is False
    assert caller.get(check, scope="referral").json()["may"] is False
    assert [c["scope"] for c in caller.get(f"/cases/{n}/consents").json()] == ["referral", "processing"]


def test_a_minors_consent_needs_a_guardian(world: World, as_: Any) -> None:
    caller = as_("caseworker")
    minor = world.ids["minor_number"]
    response = caller.post(f"/cases/{minor}/consents", {"scope": "assistance", "given_on": days_ago(1)})
    assert response.status_code == 422 and "given_by" in response.json()["errors"]
    guardian = caller.post(f"/cases/{minor}/guardians", {"name": "Vasile Ciobanu", "relationship": "father"})
    assert guardian.status_code == 201
    body = {
        "scope": "assistance",
        "given_on": days_ago(1),
        "given_by": "guardian",
        "guardian": guardian.json()["id"],
    }
    assert caller.post(f"/cases/{minor}/consents", body).status_code == 201
    assert caller.get(f"/cases/{minor}/consents/check", scope="assistance").json()["may"] is True
    names = [g["name"] for g in caller.get(f"/cases/{minor}/guardians").json()]
    assert names == ["Vasile Ciobanu"]
    assert ActivityLog.objects.filter(action="cases.guardians.viewed", object_label=minor).count() == 1


def test_notes_are_identifying_and_their_reads_logged(world: World, as_: Any) -> None:
    n = world.number
    assert as_("case_manager").post(f"/cases/{n}/notes", {"body": "  Second note  "}).status_code == 201
    before = reads(world, "cases.notes.viewed", "auditor")
    notes = as_("auditor").get(f"/cases/{n}/notes").json()
    assert [x["body"] for x in notes] == ["Second note", SECRET_NOTE]
    assert [x["author"]["username"] for x in notes] == ["manager", "caseworker"]
    assert reads(world, "cases.notes.viewed", "auditor") == before + 1
    # the note's text never reaches the activity log
    assert not ActivityLog.objects.filter(changes__icontains="Second note").exists()


def test_screening(world: World, as_: Any) -> None:
    caller = as_("caseworker")
    n = world.number
    screening = caller.get(f"/cases/{n}/screening").json()
    assert (screening["version"], screening["narrative"], screening["interviewer"]["username"]) == (
        1,
        "She was promised a job.",
        "caseworker",
    )
    assert reads(world, "cases.screening.viewed") == 1
    body = {
        "version": 1,
        "interview_date": days_ago(3),
        "language": "ro",
        "recruitment_cost": "1500.50",
        "transit_countries": ["UA", "PL"],
        "travel_documents": "provided",
        "payment": "none",
        "exit_method": "hotline",
        "documents_withheld": True,
    }
    screening = caller.put(f"/cases/{n}/screening", body).json()
    assert (
        screening["version"],
        screening["language"],
        screening["recruitment_cost"],
        screening["exit_method"],
    ) == (2, "ro", "1500.50", "hotline")
    other = world.ids["closed_number"]
    assert caller.get(f"/cases/{other}/screening").status_code == 404
    assert (
        caller.put(f"/cases/{other}/screening", {"version": 0, "interview_date": days_ago(1)}).json()[
            "version"
        ]
        == 1
    )


def test_eligibility_is_proposed_then_approved_by_a_case_manager(world: World, as_: Any) -> None:
    n = world.number
    decision = world.ids["decision"]
    assert as_("caseworker").post(f"/cases/{n}/eligibility/{decision}/approve").status_code == 403
    response = as_("case_manager").post(f"/cases/{n}/eligibility/{decision}/approve")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["reviewed_by"]["username"]) == ("approved", "manager")
    case = as_("caseworker").get(f"/cases/{n}").json()
    assert (case["trafficking_status"], case["stage"]) == ("ActualVictimOfTrafficking", "assistance")
    assert as_("case_manager").post(f"/cases/{n}/eligibility/{decision}/reject").status_code == 422
    proposed = as_("caseworker").post(
        f"/cases/{n}/eligibility",
        {
            "trafficking_status": "NotAVictimOfTrafficking",
            "decision_body": "CourtOrProsecution",
            "decided_on": days_ago(0),
            "reasons": "Court ruling",
        },
    )
    assert proposed.status_code == 201
    response = as_("case_manager").post(f"/cases/{n}/eligibility/{proposed.json()['id']}/reject")
    assert response.json()["state"] == "rejected"
    listed = as_("auditor").get(f"/cases/{n}/eligibility").json()
    assert [d["state"] for d in listed] == ["rejected", "approved"]
    assert listed[0]["reasons"] == "Court ruling"
    assert reads(world, "cases.eligibility.viewed", "auditor") == 1
