"""The permission matrix: every API endpoint × every persona, table-driven.

One world per endpoint; each persona's call runs inside a savepoint that is rolled back, so every
persona meets the same state. A refused call must not show any of the case's data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from ctm.core.models import ActivityLog
from ctm.reintegration.enums import ClosureCheck
from tests.api.conftest import ROLES, SECRET_NOTE, Caller, Multipart, World, with_referrals

READ, WRITE, MANAGE, READERS, WRITERS, EVERYONE = "read", "write", "manage", "readers", "writers", "everyone"
MANAGERS, TASK = "managers", "task"
HOME_ONLY, EDITORS, HOME_EDITORS = "home_only", "editors", "home_editors"
FUND_USERS, REQUESTERS, REVIEWER = "fund_users", "requesters", "reviewer"
ON_REQUEST, ON_DRAFT, REVIEW_REQUEST = "on_request", "on_draft", "review_request"
READ_REQUEST, ON_CASE_REQUEST, REVIEW_CASE_REQUEST = "read_request", "on_case_request", "review_case_request"
FUND_ADMIN, CLOSING_READERS, DASHBOARD = "fund_admin", "closing_readers", "dashboard"
HOME_REQUESTERS = ("caseworker", "other_caseworker", "case_manager")
REFERRAL_READ, RECEIVER, SENDER_WRITE = "referral_read", "receiver", "sender_write"
SETTINGS_READ, SETTINGS = "settings_read", "settings"
HOME = (
    "caseworker",
    "other_caseworker",
    "case_manager",
    "org_admin",
    "data_manager",
    "fund_reviewer",
    "auditor",
)

# Who gets the success code, per kind of endpoint; the others get the code shown.
EXPECTED: dict[str, dict[str, str | int]] = {
    # a case endpoint: 404 for anyone who may not read the case (missing and not yours look the same)
    READ: {"caseworker": "ok", "case_manager": "ok", "auditor": "ok"},
    # readers who may not change the case: 403
    WRITE: {"caseworker": "ok", "case_manager": "ok", "auditor": 403},
    MANAGE: {"caseworker": 403, "case_manager": "ok", "auditor": 403},
    # endpoints on no particular case: refused by role (403), the outsider answers for its own organization
    READERS: dict.fromkeys(("caseworker", "other_caseworker", "case_manager", "auditor", "outsider"), "ok"),
    WRITERS: dict.fromkeys(("caseworker", "other_caseworker", "case_manager", "outsider"), "ok"),
    EVERYONE: dict.fromkeys(ROLES, "ok"),
    # the case managers' own work (a shelter of their organization; the outsider adds one to its own)
    MANAGERS: {"case_manager": "ok", "outsider": "ok"},
    # a task for the case managers of the home case's organization: 404 for the other readers
    TASK: {"caseworker": 404, "other_caseworker": 404, "case_manager": "ok", "auditor": 404, "outsider": 404},
    # a private directory entry of home: every home member reads it; elsewhere it does not exist
    HOME_ONLY: dict.fromkeys(HOME, "ok"),
    # the shared directory: organization admins (the platform's too) and directory editors change it
    EDITORS: {"org_admin": "ok", "platform_admin": "ok"},
    # a private directory entry of home: its admin changes it, its other members get 403
    HOME_EDITORS: {"org_admin": "ok", **dict.fromkeys(set(HOME) - {"org_admin"}, 403)},
    # the emergency funds: caseworkers and case managers request, fund reviewers review
    FUND_USERS: dict.fromkeys((*HOME_REQUESTERS, "fund_reviewer", "outsider"), "ok"),
    REQUESTERS: dict.fromkeys((*HOME_REQUESTERS, "outsider"), "ok"),
    REVIEWER: {"fund_reviewer": "ok"},
    # a request of home: home's requesters act on it; its fund's reviewer may not; elsewhere: 404
    ON_REQUEST: {**dict.fromkeys(HOME_REQUESTERS, "ok"), "outsider": 404},
    ON_DRAFT: {**dict.fromkeys(HOME_REQUESTERS, "ok"), "fund_reviewer": 404, "outsider": 404},
    REVIEW_REQUEST: {"fund_reviewer": "ok", "outsider": 404},
    # the request for the home case: a caseworker not on the case does not see it
    READ_REQUEST: {
        "caseworker": "ok",
        "case_manager": "ok",
        "fund_reviewer": "ok",
        "other_caseworker": 404,
        "outsider": 404,
    },
    ON_CASE_REQUEST: {"caseworker": "ok", "case_manager": "ok", "other_caseworker": 404, "outsider": 404},
    REVIEW_CASE_REQUEST: {"fund_reviewer": "ok", "other_caseworker": 404, "outsider": 404},
    # closing a fund: an admin of the organization that runs it; the report: them and its reviewers
    FUND_ADMIN: {"org_admin": "ok"},
    CLOSING_READERS: {"org_admin": "ok", "fund_reviewer": "ok"},
    # the manager views: case managers and admins, each of their own organization (the outsider's)
    DASHBOARD: {"case_manager": "ok", "org_admin": "ok", "outsider": "ok", "platform_admin": "ok"},
    # a referral of home's case to the outsider's organization: both sides read it (not a caseworker
    # off the case); the receiver answers; the sender's writers withdraw
    REFERRAL_READ: dict.fromkeys(("caseworker", "case_manager", "auditor", "outsider"), "ok")
    | {"other_caseworker": 404},
    RECEIVER: {"outsider": "ok", "other_caseworker": 404},
    SENDER_WRITE: {"caseworker": "ok", "case_manager": "ok", "other_caseworker": 404},
    SETTINGS_READ: dict.fromkeys(
        (
            "caseworker",
            "other_caseworker",
            "case_manager",
            "auditor",
            "outsider",
            "org_admin",
            "platform_admin",
        ),
        "ok",
    ),  # (the platform admin is an admin of the platform's organization: its own setting)
    SETTINGS: dict.fromkeys(("case_manager", "outsider", "org_admin", "platform_admin"), "ok"),
}
DEFAULT_REFUSAL = {
    READ: 404,
    WRITE: 404,
    MANAGE: 404,
    READERS: 403,
    WRITERS: 403,
    EVERYONE: None,
    HOME_ONLY: 404,
    EDITORS: 403,
    HOME_EDITORS: 404,
    FUND_USERS: 403,
    REQUESTERS: 403,
    REVIEWER: 403,
    ON_REQUEST: 403,
    ON_DRAFT: 403,
    REVIEW_REQUEST: 403,
    READ_REQUEST: 403,
    ON_CASE_REQUEST: 403,
    REVIEW_CASE_REQUEST: 403,
    FUND_ADMIN: 403,
    CLOSING_READERS: 403,
    DASHBOARD: 403,
    MANAGERS: 403,
    TASK: 403,
    REFERRAL_READ: 403,
    RECEIVER: 403,
    SENDER_WRITE: 403,
    SETTINGS_READ: 403,
    SETTINGS: 403,
}


def today() -> str:
    return timezone.localdate().isoformat()


Body = Callable[[World], Any] | None
N = "/cases/{number}"
ENDPOINTS: list[tuple[str, str, str, Body, str, int]] = [
    # name, method, path (formatted with world.ids), body, kind, success code
    ("organizations.list", "GET", "/organizations", None, EVERYONE, 200),
    ("cases.list", "GET", "/cases", None, READERS, 200),
    (
        "cases.create",
        "POST",
        "/cases",
        lambda w: {"person": {"given_name": "New", "family_name": "Person"}},
        WRITERS,
        201,
    ),
    (
        "cases.search_name",
        "POST",
        "/cases/search/name",
        lambda w: {"full_name": "Olga Petrova", "birth_date": "1995-04-02"},
        READERS,
        200,
    ),
    (
        "cases.search_document",
        "POST",
        "/cases/search/document",
        lambda w: {"number": "AB1234567"},
        READERS,
        200,
    ),
    (
        "cases.duplicates",
        "POST",
        "/cases/duplicates",
        lambda w: {"given_name": "Olga", "family_name": "Petrova"},
        WRITERS,
        200,
    ),
    ("case.read", "GET", N, None, READ, 200),
    ("case.update", "PATCH", N, lambda w: {"version": 1, "high_risk": True}, WRITE, 200),
    (
        "case.assign",
        "POST",
        N + "/assign",
        lambda w: {"assignees": [w.personas.other_caseworker.user_id]},
        MANAGE,
        200,
    ),
    ("case.stage", "POST", N + "/stage", lambda w: {"stage": "assistance"}, WRITE, 200),
    (
        "case.close",
        "POST",
        "/cases/{minor_number}/close",  # nothing planned or ongoing on it (the checklist would refuse)
        lambda w: {"reason": "plan_completed", "checks": list(ClosureCheck.values)},
        WRITE,
        200,
    ),
    ("case.close_reject", "POST", "/cases/{minor_number}/close/reject", None, MANAGE, 200),
    ("case.reopen", "POST", "/cases/{closed_number}/reopen", lambda w: {"reason": "came back"}, WRITE, 200),
    ("person.read", "GET", N + "/person", None, READ, 200),
    ("person.update", "PATCH", N + "/person", lambda w: {"version": 1, "address": "Elsewhere"}, WRITE, 200),
    (
        "document.add",
        "POST",
        N + "/person/documents",
        lambda w: {"kind": "national_id", "number": "X-1"},
        WRITE,
        201,
    ),
    ("document.remove", "DELETE", N + "/person/documents/{document}", None, WRITE, 204),
    ("context.read", "GET", N + "/victim-context", None, READ, 200),
    (
        "context.put",
        "PUT",
        N + "/victim-context",
        lambda w: {"version": 1, "exploitation_types": ["ForcedBegging"]},
        WRITE,
        200,
    ),
    ("events.list", "GET", N + "/events", None, READ, 200),
    ("events.add", "POST", N + "/events", lambda w: {"event_type": "Transit", "country": "UA"}, WRITE, 201),
    ("events.remove", "DELETE", N + "/events/{event}", None, WRITE, 204),
    ("consents.list", "GET", N + "/consents", None, READ, 200),
    (
        "consents.add",
        "POST",
        N + "/consents",
        lambda w: {"scope": "assistance", "given_on": today()},
        WRITE,
        201,
    ),
    ("consents.check", "GET", N + "/consents/check?scope=processing", None, READ, 200),
    ("consents.withdraw", "POST", N + "/consents/{consent}/withdraw", lambda w: {}, WRITE, 200),
    ("guardians.list", "GET", N + "/guardians", None, READ, 200),
    (
        "guardians.add",
        "POST",
        N + "/guardians",
        lambda w: {"name": "Ion", "relationship": "uncle"},
        WRITE,
        201,
    ),
    ("notes.list", "GET", N + "/notes", None, READ, 200),
    ("notes.add", "POST", N + "/notes", lambda w: {"body": "Called her."}, WRITE, 201),
    ("screening.read", "GET", N + "/screening", None, READ, 200),
    (
        "screening.put",
        "PUT",
        N + "/screening",
        lambda w: {"version": 1, "interview_date": today()},
        WRITE,
        200,
    ),
    ("eligibility.list", "GET", N + "/eligibility", None, READ, 200),
    (
        "eligibility.propose",
        "POST",
        N + "/eligibility",
        lambda w: {
            "trafficking_status": "PossibleVictimOfTrafficking",
            "decision_body": "Police",
            "decided_on": today(),
        },
        WRITE,
        201,
    ),
    ("eligibility.approve", "POST", N + "/eligibility/{decision}/approve", None, MANAGE, 200),
    ("eligibility.reject", "POST", N + "/eligibility/{decision}/reject", None, MANAGE, 200),
    # assistance
    ("assessments.list", "GET", N + "/assessments", None, READ, 200),
    (
        "assessments.add",
        "POST",
        N + "/assessments",
        lambda w: {"safety_risk": "medium", "factors": {"stigma": "protective", "family_support": "risk"}},
        WRITE,
        201,
    ),
    ("plans.list", "GET", N + "/plans", None, READ, 200),
    (
        "plans.add",
        "POST",
        N + "/plans",
        lambda w: {"objectives": "Recover", "responsible": w.personas.caseworker.user_id},
        WRITE,
        201,
    ),
    (
        "plans.add_item",
        "POST",
        N + "/plans/{plan}/items",
        lambda w: {"support_type": "legal", "responsible": w.personas.caseworker.user_id},
        WRITE,
        201,
    ),
    ("plans.agree", "POST", N + "/plans/{plan}/agreement", lambda w: {"method": "verbal"}, WRITE, 200),
    ("plans.approve", "POST", N + "/plans/{plan}/approve", None, MANAGE, 200),
    ("services.list", "GET", N + "/services", None, READ, 200),
    (
        "services.add",
        "POST",
        N + "/services",
        lambda w: {
            "support_type": "psychosocial",
            "provider_kind": "own",
            "cost": "40.00",
            "currency": "EUR",
        },
        WRITE,
        201,
    ),
    (
        "services.status",
        "POST",
        N + "/services/{service}/status",
        lambda w: {"status": "ongoing"},
        WRITE,
        200,
    ),
    # the minor's case (a closure requested, still open) has no stay yet; the home case's person is in one
    (
        "stays.admit",
        "POST",
        "/cases/{minor_number}/stays",
        lambda w: {"shelter": w.ids["shelter"]},
        WRITE,
        201,
    ),
    ("stays.discharge", "POST", N + "/stays/{stay}/discharge", lambda w: {}, WRITE, 200),
    ("shelters.list", "GET", "/shelters", None, READERS, 200),
    ("shelters.add", "POST", "/shelters", lambda w: {"name": "New shelter", "places": 4}, MANAGERS, 201),
    ("tasks.list", "GET", "/tasks", None, READERS, 200),
    ("tasks.done", "POST", "/tasks/{task}/done", None, TASK, 200),
    ("directory.list", "GET", "/directory", None, EVERYONE, 200),
    (
        "directory.create",
        "POST",
        "/directory",
        lambda w: {"visibility": "shared", "name": "Hotline", "entry_type": "hotline", "country": "MD"},
        EDITORS,
        201,
    ),
    ("directory.read_shared", "GET", "/directory/{shared_entry}", None, EVERYONE, 200),
    ("directory.read", "GET", "/directory/{private_entry}", None, HOME_ONLY, 200),
    (
        "directory.update",
        "PATCH",
        "/directory/{private_entry}",
        lambda w: {"hours": "24/7"},
        HOME_EDITORS,
        200,
    ),
    (
        "directory.update_shared",
        "PATCH",
        "/directory/{shared_entry}",
        lambda w: {"city": "Orhei"},
        EDITORS,
        200,
    ),
    ("directory.verify", "POST", "/directory/{private_entry}/verify", None, HOME_EDITORS, 200),
    ("directory.delete", "DELETE", "/directory/{private_entry}", None, HOME_EDITORS, 204),
    ("dashboard.list", "GET", "/dashboard", None, DASHBOARD, 200),
    ("dashboard.read", "GET", "/dashboard/cases.stages", None, DASHBOARD, 200),
    ("funds.list", "GET", "/funds", None, EVERYONE, 200),
    ("funds.read", "GET", "/funds/{fund}", None, EVERYONE, 200),
    ("funds.summary", "GET", "/funds/{fund}/summary", None, REVIEWER, 200),
    ("funds.requests", "GET", "/funds/requests", None, FUND_USERS, 200),
    (
        "funds.create_request",
        "POST",
        "/funds/{fund}/requests",
        lambda w: {
            "pseudonym": "EXT-7",
            "country": "MD",
            "currency": "EUR",
            "immediate_needs": "Shelter",
            "justification": "None",
            "lines": [{"category": "accommodation", "amount": "100.00"}],
        },
        REQUESTERS,
        201,
    ),
    ("funds.close", "POST", "/funds/{fund}/close", None, FUND_ADMIN, 200),
    ("funds.closing_report", "GET", "/funds/{closed_fund}/closing-report", None, CLOSING_READERS, 200),
    ("request.read", "GET", "/funds/requests/{request}", None, READ_REQUEST, 200),
    (
        "request.update",
        "PUT",
        "/funds/requests/{draft_request}",
        lambda w: {
            "pseudonym": "EXT-8",
            "country": "MD",
            "currency": "EUR",
            "immediate_needs": "Shelter and food",
            "justification": "None",
            "lines": [{"category": "accommodation", "amount": "150.00"}],
        },
        ON_DRAFT,
        200,
    ),
    ("request.submit", "POST", "/funds/requests/{draft_request}/submit", None, ON_DRAFT, 200),
    (
        "request.grant",
        "POST",
        "/funds/requests/{request}/grant",
        lambda w: {"granted": True},
        ON_CASE_REQUEST,
        200,
    ),
    ("request.review", "POST", "/funds/requests/{submitted_request}/review", None, REVIEW_REQUEST, 200),
    (
        "request.decide",
        "POST",
        "/funds/requests/{request}/decide",
        lambda w: {"decision": "approved"},
        REVIEW_CASE_REQUEST,
        200,
    ),
    (
        "request.disburse",
        "POST",
        "/funds/requests/{approved_request}/disburse",
        lambda w: {"amount": "100.00", "currency": "EUR", "paid_on": today()},
        REVIEW_REQUEST,
        200,
    ),
    (
        "request.report",
        "POST",
        "/funds/requests/{disbursed_request}/report",
        lambda w: {"spent": "400.00", "report": "Receipts kept."},
        ON_REQUEST,
        200,
    ),
    ("request.close", "POST", "/funds/requests/{reported_request}/close", None, REVIEW_REQUEST, 200),
    ("documents.list", "GET", "/funds/requests/{request}/documents", None, READ_REQUEST, 200),
    (
        "documents.add",
        "POST",
        "/funds/requests/{request}/documents",
        lambda w: Multipart(file=SimpleUploadedFile("r.pdf", b"%PDF-1.4\n%%EOF\n"), kind="receipt"),
        ON_CASE_REQUEST,
        201,
    ),
    ("referrals.list", "GET", "/referrals?box=received", None, READERS, 200),
    (
        "referrals.create",
        "POST",
        N + "/referrals",
        lambda w: {
            "recipient_kind": "organization",
            "to_organization": w.ids["platform_org"],
            "reason": "Needs surgery today",
            "urgency": "emergency",
            "emergency_reason": "Bleeding; no time to record a consent",
        },
        MANAGE,
        201,
    ),
    ("referrals.read", "GET", "/referrals/{referral}", None, REFERRAL_READ, 200),
    ("referrals.record", "GET", "/referrals/{accepted_referral}/record", None, RECEIVER, 200),
    ("referrals.accept", "POST", "/referrals/{referral}/accept", None, RECEIVER, 200),
    (
        "referrals.decline",
        "POST",
        "/referrals/{referral}/decline",
        lambda w: {"reason": "Full"},
        RECEIVER,
        200,
    ),
    (
        "referrals.delivered",
        "POST",
        "/referrals/{accepted_referral}/delivered",
        lambda w: {"services": ["legal"]},
        RECEIVER,
        200,
    ),
    (
        "referrals.close",
        "POST",
        "/referrals/{accepted_referral}/close",
        lambda w: {"feedback": "Done"},
        RECEIVER,
        200,
    ),
    ("referrals.withdraw", "POST", "/referrals/{referral}/withdraw", None, SENDER_WRITE, 200),
    ("referrals.settings", "GET", "/referral-settings", None, SETTINGS_READ, 200),
    ("referrals.settings_put", "PUT", "/referral-settings", lambda w: {"answer_days": 5}, SETTINGS, 200),
    # return and reintegration: one case per state of a return (ctm.reintegration)
    ("returns.list", "GET", N + "/returns", None, READ, 200),
    (
        "returns.plan",
        "POST",
        "/cases/{r_closable_number}/returns",
        lambda w: {"kind": "return", "destination_country": "MD", "receiving_organization": w.ids["other_org"]},
        WRITE,
        201,
    ),
    ("returns.fit", "POST", "/cases/{r_planned_number}/returns/{r_planned}/fit", lambda w: {"result": "fit"}, WRITE, 200),
    (
        "returns.document",
        "POST",
        "/cases/{r_planned_number}/returns/{r_planned}/documents",
        lambda w: {"kind": "passport"},
        WRITE,
        201,
    ),
    (
        "returns.document_obtained",
        "POST",
        "/cases/{r_planned_number}/travel-documents/{r_pending_document}/obtained",
        lambda w: {},
        WRITE,
        200,
    ),
    (
        "returns.leg",
        "POST",
        "/cases/{r_planned_number}/returns/{r_planned}/legs",
        lambda w: {"travel_on": today(), "mode": "rail", "origin": "Kyiv", "destination": "Chișinău"},
        WRITE,
        201,
    ),
    ("returns.approve", "POST", "/cases/{r_planned_number}/returns/{r_planned}/approve", None, MANAGE, 200),
    ("returns.departure", "POST", "/cases/{r_approved_number}/returns/{r_approved}/departure", lambda w: {}, WRITE, 200),
    ("returns.arrival", "POST", "/cases/{r_departed_number}/returns/{r_departed}/arrival", lambda w: {}, WRITE, 200),
    (
        "returns.link_referral",
        "POST",
        "/cases/{r_planned_number}/returns/{r_planned}/referral",
        lambda w: {"referral": w.ids["r_referral"]},
        WRITE,
        200,
    ),
    (
        "returns.refer",
        "POST",
        "/cases/{r_approved_number}/returns/{r_approved}/referral/new",
        lambda w: {"recipient_kind": "organization", "to_organization": w.ids["r_receiver"], "reason": "Reception"},
        WRITE,
        201,
    ),
    (
        "returns.cancel",
        "POST",
        "/cases/{r_planned_number}/returns/{r_planned}/cancel",
        lambda w: {"reason": "Changed her mind"},
        WRITE,
        200,
    ),
    ("reintegration_plans.list", "GET", N + "/reintegration-plans", None, READ, 200),
    ("reintegration_plans.add", "POST", N + "/reintegration-plans", lambda w: {"needs": "Housing"}, WRITE, 201),
    (
        "reintegration_plans.assistance",
        "POST",
        N + "/reintegration-plans/{rplan}/assistance",
        lambda w: {"kind": "education", "amount": "250.00", "currency": "MDL"},
        WRITE,
        201,
    ),
    (
        "reintegration.disburse",
        "POST",
        N + "/reintegration-assistance/{assistance}/disbursements",
        lambda w: {"amount": "100.00"},
        WRITE,
        201,
    ),
    ("visits.list", "GET", N + "/visits", None, READ, 200),
    (
        "visits.add",
        "POST",
        N + "/visits",
        lambda w: {"milestone": "6", "answers": {"housing": 4, "debt": 2}, "outcome": "re_migrated"},
        WRITE,
        201,
    ),
    ("visits.trend", "GET", N + "/trend", None, READ, 200),
    (
        "closure.checklist",
        "POST",
        "/cases/{r_closable_number}/closure",
        lambda w: {"reason": "plan_completed", "checks": list(ClosureCheck.values)},
        WRITE,
        200,
    ),
    ("scoring.read", "GET", "/reintegration/scoring", None, READERS, 200),
    ("scoring.set", "PUT", "/reintegration/scoring", lambda w: {"indicators": {"debt": 2}}, MANAGERS, 200),
    # a document shared with the fund's reviewers
    ("documents.read", "GET", "/funds/requests/{request}/documents/{fund_document}", None, READ_REQUEST, 200),
]


# the rows that need the return and reintegration records (tests/reintegration/objects.api_objects)
ON_DEMAND = {"returns", "reintegration_plans", "reintegration", "visits", "closure", "scoring"}


def expected(kind: str, role: str, ok: int) -> int | None:
    if role == "two_factor_pending":
        return 401  # every operation: the token was not made by a session that passed two-factor
    got = EXPECTED[kind].get(role, DEFAULT_REFUSAL[kind])
    return ok if got == "ok" else got  # type: ignore[return-value]


def call(world: World, role: str, method: str, path: str, body: Body) -> Any:
    caller = Caller(world.tokens[role])
    url = path.format_map(world.ids)
    if "?" in url:
        url, _, query = url.partition("?")
        return caller.get(url, **dict(q.split("=") for q in query.split("&")))
    return caller.request(method, url, body(world) if body else {})


@pytest.mark.parametrize(
    ("name", "method", "path", "body", "kind", "ok"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS]
)
def test_permission_matrix(
    world: World, name: str, method: str, path: str, body: Body, kind: str, ok: int
) -> None:
    got, want, leaks, unlogged = {}, {}, [], []
    if name.split(".")[0] in ON_DEMAND:  # made now, outside the rolled-back calls
        world.ids["solution"]
    if "referral}" in path:
        with_referrals(world)
    for role in ROLES:
        with transaction.atomic():
            security = ActivityLog.objects.filter(action__startswith="security.")
            before = security.count()
            response = call(world, role, method, path, body)
            logged = security.count() > before
            transaction.set_rollback(True)
        got[role], want[role] = response.status_code, expected(kind, role, ok)
        if response.status_code == 404 and "{number}" in path and not logged:
            unlogged.append(role)  # a refused attempt ("not yours") is a security event
        if response.status_code >= 400 and any(
            secret.encode() in response.content for secret in (world.number, "Olga", SECRET_NOTE, "Petrova")
        ):
            leaks.append(role)
    assert got == want, name
    assert leaks == [], f"{name}: a refusal shows case data to {leaks}"
    assert unlogged == [], f"{name}: refused without a security event for {unlogged}"


def test_matrix_covers_every_endpoint() -> None:
    """A new endpoint must be added to the table above."""
    from ctm.api.urls import api

    schema = api.get_openapi_schema(path_prefix="")
    served = {(m.upper(), p) for p, ops in schema["paths"].items() for m in ops}
    table = {
        (m, re.sub(r"\{\w*number\}", "{number}", p.split("?")[0]))
        for _, m, p, *_ in ENDPOINTS
    }
    normalized = {
        (
            m,
            p.replace("{document}", "{document_id}")
            .replace("{event}", "{event_id}")
            .replace("{consent}", "{consent_id}")
            .replace("{decision}", "{decision_id}")
            .replace("{plan}", "{plan_id}")
            .replace("{service}", "{service_id}")
            .replace("{stay}", "{stay_id}")
            .replace("{task}", "{task_id}")
            .replace("{shared_entry}", "{ref}")
            .replace("{private_entry}", "{ref}")
            .replace("/dashboard/cases.stages", "/dashboard/{key}")
            .replace("{closed_fund}", "{fund_id}")
            .replace("{fund}", "{fund_id}")
            .replace("{draft_request}", "{request_id}")
            .replace("{submitted_request}", "{request_id}")
            .replace("{approved_request}", "{request_id}")
            .replace("{disbursed_request}", "{request_id}")
            .replace("{reported_request}", "{request_id}")
            .replace("{request}", "{request_id}")
            .replace("{fund_document}", "{document_id}")
            .replace("{accepted_referral}", "{referral_id}")
            .replace("{referral}", "{referral_id}")
            .replace("{r_pending_document}", "{document_id}")
            .replace("{r_planned}", "{solution_id}")
            .replace("{r_approved}", "{solution_id}")
            .replace("{r_departed}", "{solution_id}")
            .replace("{rplan}", "{plan_id}")
            .replace("{assistance}", "{assistance_id}"),
        )
        for m, p in table
    }
    assert served == normalized


def test_other_organization_sees_nothing_in_lists(world: World, as_: Any) -> None:
    """The outsider (a case manager elsewhere) gets its own cases only; a twin of the home person exists there."""
    outsider = as_("outsider")
    listed = outsider.get("/cases").json()
    numbers = {c["number"] for c in listed["items"]}
    assert world.number not in numbers and world.ids["twin_number"] in numbers
    found = outsider.post(
        "/cases/search/name", {"full_name": "Olga Petrova", "birth_date": "1995-04-02"}
    ).json()
    assert [c["number"] for c in found] == [world.ids["twin_number"]]
    found = outsider.post("/cases/search/document", {"number": "AB1234567"}).json()
    assert world.number not in {c["number"] for c in found}
    orgs = outsider.get("/organizations").json()
    assert [o["code"] for o in orgs] == ["OUT"]
    home = as_("case_manager")
    found = home.post("/cases/search/name", {"full_name": "Olga Petrova", "birth_date": "1995-04-02"}).json()
    assert [c["number"] for c in found] == [world.number]
    assert world.ids["twin_number"] not in home.get("/cases").content.decode()


def test_unassigned_caseworker_sees_nothing(world: World, as_: Any) -> None:
    other = as_("other_caseworker")
    assert other.get("/cases").json()["count"] == 0
    assert (
        other.post("/cases/search/name", {"full_name": "Olga Petrova", "birth_date": "1995-04-02"}).json()
        == []
    )


def test_assigned_caseworker_may_work_on_the_case(world: World, as_: Any) -> None:
    assert as_("other_caseworker").get(f"/cases/{world.number}").status_code == 404
    response = as_("case_manager").post(
        f"/cases/{world.number}/assign", {"assignees": [world.personas.other_caseworker.user_id]}
    )
    assert response.status_code == 200
    assert [a["username"] for a in response.json()["assignees"]] == ["caseworker2"]
    other = as_("other_caseworker")
    assert other.get(f"/cases/{world.number}").status_code == 200
    assert other.post(f"/cases/{world.number}/notes", {"body": "Visited."}).status_code == 201


def test_platform_admin_sees_every_organization_and_no_case(world: World, as_: Any) -> None:
    admin = as_("platform_admin")
    codes = [o["code"] for o in admin.get("/organizations").json()]
    assert sorted(codes) == ["CHI", "OUT", "PLT"]
    assert admin.get(f"/cases/{world.number}/person").status_code == 404


def test_shared_case_is_read_only_for_the_receiving_organization(world: World, as_: Any) -> None:
    """A case shared against a referral consent: the receiver reads it, changes give 403, not 404."""
    from ctm.cases.domain.cases import share_case

    manager = as_("case_manager")
    consent = manager.post(
        f"/cases/{world.number}/consents",
        {"scope": "referral", "given_on": today(), "referral_organization": world.ids["other_org"]},
    ).json()
    from ctm.cases.domain.queries.parts import get_consent

    share_case(world.case, by=world.personas.case_manager, consent=get_consent(world.case, consent["id"]))
    outsider = as_("outsider")
    assert outsider.get(f"/cases/{world.number}").status_code == 200
    assert outsider.post(f"/cases/{world.number}/notes", {"body": "x"}).status_code == 403
    manager.post(f"/cases/{world.number}/consents/{consent['id']}/withdraw", {})
    assert outsider.get(f"/cases/{world.number}").status_code == 404
