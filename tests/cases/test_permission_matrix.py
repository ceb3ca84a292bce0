"""Table-driven permission matrix: every URL of the interface × every role, including an outsider.

The table must name every URL pattern (the API has its own matrix in tests/api): a new URL without a
row fails `test_every_url_is_in_the_matrix`. Objects that could leak (another organization's case,
a colleague's case) exist in every run.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ctm.cases.domain import consent as consent_domain
from ctm.cases.domain import notes as notes_domain
from ctm.cases.domain import persons as person_domain
from ctm.cases.domain import screening as screening_domain
from ctm.cases.domain.cases import close_case
from ctm.core.models import ActivityLog
from tests.assistance.objects import assistance_objects
from tests.directory.objects import directory_objects
from tests.funds.objects import fund_objects
from tests.linkage_platform.objects import linkage_objects
from tests.privacy_platform import objects as privacy_objects
from tests.reintegration.objects import reintegration_objects

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "caseworker",
    "other_caseworker",
    "case_manager",
    "org_admin",
    "data_manager",
    "fund_reviewer",
    "auditor",
    "outsider",
    "platform_admin",
    # the case manager's sessions that have not finished logging in (ctm.accounts.middleware):
    "two_factor_pending",  # has an authenticator app; this session typed only the password
    "enrolment_pending",  # the organization requires two-factor; no app set up yet
    "password_pending",  # an admin reset the password; the new one is not chosen yet
]
PENDING = {
    "two_factor_pending": "/accounts/two-factor/",
    "enrolment_pending": "/accounts/two-factor/setup/",
    "password_pending": "/accounts/password/",
}


def expect(default: int, **overrides: int) -> dict[str, int]:
    """Expected codes per role; a pending session is sent to its step (302) unless overridden."""
    table = dict.fromkeys(ROLES, default)
    table.update(dict.fromkeys(PENDING, 302))
    table.update(overrides)
    return table


def sign_in(client, personas, role: str):
    """Log the role's user in; a pending role is a case manager whose session still owes a step."""
    from ctm.accounts.models import TotpDevice
    from ctm.core.domain import organizations as org_domain

    if role == "anonymous":
        return None
    if role in PENDING:
        user = personas.case_manager.user
        if role == "two_factor_pending":
            TotpDevice.objects.create(user=user, name="app", confirmed=True)
        elif role == "enrolment_pending":
            org_domain.update_organization(
                personas.org, by=personas.org_admin, data={"require_two_factor": True}
            )
        else:
            user.must_change_password = True
            user.save(update_fields=["must_change_password"])
        client.force_login(user)  # the password step, and nothing more
        return user
    user = personas.platform_admin if role == "platform_admin" else getattr(personas, role).user
    client.force_login(user)
    return user


NON_READERS = {"org_admin": 403, "data_manager": 403, "fund_reviewer": 403, "platform_admin": 403}
READ = expect(200, anonymous=302, other_caseworker=404, outsider=404, **NON_READERS)
WRITE_GET = expect(200, anonymous=302, other_caseworker=404, outsider=404, auditor=404, **NON_READERS)
WRITE_POST = expect(302, anonymous=302, other_caseworker=404, outsider=404, auditor=404, **NON_READERS)
MANAGE_GET = {**WRITE_GET, "caseworker": 403}
LIST = expect(200, anonymous=302, **NON_READERS)
NEW = expect(200, anonymous=302, auditor=403, **NON_READERS)
SEARCH = expect(200, anonymous=302, **NON_READERS)
ACTIVITY = expect(403, anonymous=302, org_admin=200, auditor=200)
DASHBOARD = expect(403, anonymous=302, case_manager=200, org_admin=200, outsider=200)
TOKENS = expect(200, anonymous=302, platform_admin=403)
LINKAGE = expect(403, anonymous=302, data_manager=200)
LINKAGE_POST = expect(403, anonymous=302, data_manager=302)
RELEASES = expect(403, anonymous=302, data_manager=200, auditor=200)
RELEASES_PREPARE = expect(403, anonymous=302, data_manager=200)
PUBLIC = expect(200)
DIRECTORY = expect(200, anonymous=302, platform_admin=403)  # every member of an organization
DIRECTORY_PRIVATE = {**DIRECTORY, "outsider": 404}  # a private entry of home
DIRECTORY_EDIT = expect(403, anonymous=302, org_admin=200)
DIRECTORY_EDIT_POST = expect(403, anonymous=302, org_admin=302)
FUND_MEMBERS = expect(200, anonymous=302, platform_admin=403)  # every member of an organization
REQUESTERS = dict.fromkeys(("caseworker", "other_caseworker", "case_manager"), 200)
REQUESTERS_POST = dict.fromkeys(REQUESTERS, 302)
FUND_REQUEST = expect(403, anonymous=302, **REQUESTERS, fund_reviewer=200, outsider=404)
FUND_REQUESTERS_GET = expect(403, anonymous=302, **REQUESTERS, outsider=404)
FUND_REVIEWER_GET = expect(403, anonymous=302, fund_reviewer=200, outsider=404)
FUND_REVIEWER_POST = expect(403, anonymous=302, fund_reviewer=302, outsider=404)
# the request for the home case: a caseworker not on the case does not see it (nor its documents)
NOT_ON_THE_CASE = {"other_caseworker": 404}


def _fund(key: str):
    return lambda p, o: {"pk": fund_objects(p)[key]}


def _referral(p, o):
    from tests.referrals.objects import refer

    if not hasattr(p, "referral"):  # one referral per world, whatever the number of rows using it
        p.referral = refer(p)
    return {"pk": p.referral.pk}


# a referral's receiving side: the outsider's case managers; the sender's readers get 403, the
# caseworker not on the case 404
RECEIVER_GET = expect(
    403, anonymous=302, other_caseworker=404, outsider=200
)
RECEIVER_POST = {**RECEIVER_GET, "outsider": 302}

HOME = expect(302, org_admin=200, data_manager=200, fund_reviewer=200, platform_admin=200)


def _objects(p):
    case = p.case
    by = p.caseworker
    event = screening_domain.add_event(case, by=by, data={"event_type": "Recruitment", "country": "MD"})
    doc = person_domain.add_document(case, by=by, data={"kind": "passport", "number": "AB123456"})
    decision = screening_domain.propose_eligibility(
        case,
        by=by,
        data={
            "trafficking_status": "ActualVictimOfTrafficking",
            "decision_body": "NGO",
            "decided_on": datetime.date(2026, 1, 5),
        },
    )
    consent = consent_domain.record_consent(
        case, by=by, data={"scope": "assistance", "given_on": datetime.date(2026, 1, 5)}
    )
    att = notes_domain.add_attachment(case, by=by, filename="x.txt", data=b"hello")
    return {"event": event.pk, "doc": doc.pk, "decision": decision.pk, "consent": consent.pk, "att": att.pk}


def _a(p, part: str = "") -> dict:
    """The home case's number (and the id of one of its assistance records)."""
    kwargs = {"number": p.case.number}
    if part:
        kwargs["pk"] = assistance_objects(p)[part]
    return kwargs


def _r(part: str = ""):
    """The home case's number (and the id of one of its return and reintegration records)."""

    def kwargs(p, o) -> dict:
        out = {"number": p.case.number}
        if part:
            out["pk"] = reintegration_objects(p)[part]
        return out

    return kwargs


# name → (method, kwargs builder, data, expected)
MATRIX = {
    "core:home": ("get", lambda p, o: {}, None, HOME),
    "core:activity": ("get", lambda p, o: {}, None, ACTIVITY),
    # the manager views: case managers and organization admins, each of their own organization
    "core:dashboard": ("get", lambda p, o: {}, None, DASHBOARD),
    "core:dashboard_csv": ("get", lambda p, o: {"key": "cases.caseload"}, None, DASHBOARD),
    "core:dashboard_chart": ("get", lambda p, o: {"key": "cases.stages"}, None, DASHBOARD),
    "core:dashboard_panel": ("get", lambda p, o: {"key": "assistance.tasks"}, None, DASHBOARD),
    "core:dashboard_panels": ("get", lambda p, o: {}, None, DASHBOARD),  # every shared panel, together
    "core:organization": ("get", lambda p, o: {}, None, expect(403, anonymous=302, org_admin=200)),
    "core:new_member": ("get", lambda p, o: {}, None, expect(403, anonymous=302, org_admin=200)),
    "core:retention": ("get", lambda p, o: {}, None, expect(403, anonymous=302, org_admin=200)),
    "core:edit_member": ("get", lambda p, o: {"pk": p.caseworker.pk}, None, expect(403, anonymous=302, org_admin=200)),
    "core:platform_organizations": ("get", lambda p, o: {}, None, expect(403, anonymous=302, platform_admin=200)),
    # the login flow: each pending session reaches its own step (and login, logout, language) only
    "accounts:login": ("get", lambda p, o: {}, None, expect(200, **dict.fromkeys(PENDING, 200))),
    "accounts:logout": ("post", lambda p, o: {}, {}, expect(302)),
    "accounts:two_factor": ("get", lambda p, o: {}, None, expect(302, two_factor_pending=200)),
    "accounts:two_factor_setup": (
        "get",
        lambda p, o: {},
        None,
        expect(200, anonymous=302, enrolment_pending=200),
    ),
    "accounts:password_change": ("get", lambda p, o: {}, None, expect(200, anonymous=302, password_pending=200)),
    "accounts:account": ("get", lambda p, o: {}, None, expect(200, anonymous=302)),
    "accounts:notification_email": ("get", lambda p, o: {}, None, expect(200, anonymous=302)),
    # no app, no codes: back to the account page
    "accounts:renew_recovery_codes": ("post", lambda p, o: {}, {}, expect(302)),
    "accounts:switch_organization": ("post", lambda p, o: {}, {"organization": "1"}, expect(302)),
    "accounts:tokens": ("get", lambda p, o: {}, None, TOKENS),
    "accounts:revoke_token": ("post", lambda p, o: {"pk": 999999}, {}, expect(404, anonymous=302)),
    "accounts:reset_member_password": (
        "get",
        lambda p, o: {"pk": p.caseworker.pk},
        None,
        expect(403, anonymous=302, org_admin=200),
    ),
    "accounts:reset_member_two_factor": (
        "get",
        lambda p, o: {"pk": p.caseworker.pk},
        None,
        expect(403, anonymous=302, org_admin=200),
    ),
    "set_language": ("post", lambda p, o: {}, {"language": "fr", "next": "/"}, expect(302)),
    "cases:list": ("get", lambda p, o: {}, None, LIST),
    "cases:export": ("get", lambda p, o: {"fmt": "csv"}, None, LIST),
    "cases:new": ("get", lambda p, o: {}, None, NEW),
    "cases:search": (
        "post",
        lambda p, o: {},
        {"full_name": "Olga Petrova", "birth_date": "1995-04-02"},
        SEARCH,
    ),
    "cases:detail": ("get", lambda p, o: {"number": p.case.number}, None, READ),
    "cases:attachment": ("get", lambda p, o: {"number": p.case.number, "pk": o["att"]}, None, READ),
    "cases:edit_person": ("get", lambda p, o: {"number": p.case.number}, None, WRITE_GET),
    "cases:edit": ("get", lambda p, o: {"number": p.case.number}, None, WRITE_GET),
    "cases:assign": ("get", lambda p, o: {"number": p.case.number}, None, MANAGE_GET),
    # the read-only share of old now leads to the referral form (ctm.referrals)
    "cases:share": ("get", lambda p, o: {"number": p.case.number}, None, {**MANAGE_GET, "case_manager": 302}),
    "cases:stage": ("get", lambda p, o: {"number": p.case.number}, None, WRITE_GET),
    # the old close form: sends to the checklist (reintegration:close), closes nothing
    "cases:close": ("get", lambda p, o: {"number": p.case.number}, None, WRITE_POST),
    "cases:reopen": ("get", lambda p, o: {"number": p.case.number}, None, WRITE_GET),
    "cases:closure_decision": (
        "post",
        lambda p, o: {"number": p.case.number, "decision": "approve"},
        {},
        {**WRITE_POST, "caseworker": 403, "case_manager": 404},
    ),
    "cases:screening": ("get", lambda p, o: {"number": p.case.number}, None, WRITE_GET),
    "cases:eligibility": ("get", lambda p, o: {"number": p.case.number}, None, WRITE_GET),
    # a caseworker may write the case but not approve an eligibility decision
    "cases:review_eligibility": (
        "post",
        lambda p, o: {"number": p.case.number, "pk": o["decision"], "decision": "approve"},
        {},
        {**WRITE_POST, "caseworker": 403},
    ),
    "cases:context": ("get", lambda p, o: {"number": p.case.number}, None, WRITE_GET),
    "cases:add_event": ("get", lambda p, o: {"number": p.case.number}, None, WRITE_GET),
    "cases:remove_event": ("post", lambda p, o: {"number": p.case.number, "pk": o["event"]}, {}, WRITE_POST),
    "cases:add_consent": ("get", lambda p, o: {"number": p.case.number}, None, WRITE_GET),
    "cases:withdraw_consent": (
        "get",
        lambda p, o: {"number": p.case.number, "pk": o["consent"]},
        None,
        WRITE_GET,
    ),
    "cases:add_guardian": ("get", lambda p, o: {"number": p.case.number}, None, WRITE_GET),
    "cases:add_best_interests": ("get", lambda p, o: {"number": p.case.number}, None, WRITE_GET),
    "cases:add_note": ("get", lambda p, o: {"number": p.case.number}, None, WRITE_GET),
    "cases:add_attachment": ("get", lambda p, o: {"number": p.case.number}, None, WRITE_GET),
    "cases:add_document": ("get", lambda p, o: {"number": p.case.number}, None, WRITE_GET),
    "cases:remove_document": ("post", lambda p, o: {"number": p.case.number, "pk": o["doc"]}, {}, WRITE_POST),
    # assistance: a case's assessments, plans, services and stays behind the case's door
    "assistance:case": ("get", lambda p, o: _a(p), None, READ),
    "assistance:new_assessment": ("get", lambda p, o: _a(p), None, WRITE_GET),
    "assistance:new_plan": ("get", lambda p, o: _a(p), None, WRITE_GET),
    "assistance:add_plan_item": ("get", lambda p, o: _a(p, "plan"), None, WRITE_GET),
    "assistance:plan_agreement": ("get", lambda p, o: _a(p, "plan"), None, WRITE_GET),
    "assistance:approve_plan": ("post", lambda p, o: _a(p, "plan"), {}, {**WRITE_POST, "caseworker": 403}),
    "assistance:new_service": ("get", lambda p, o: _a(p), None, WRITE_GET),
    "assistance:service_status": ("get", lambda p, o: _a(p, "service"), None, WRITE_GET),
    "assistance:admit": ("get", lambda p, o: _a(p), None, WRITE_GET),
    "assistance:discharge": ("get", lambda p, o: _a(p, "stay"), None, WRITE_GET),
    "assistance:my_work": ("get", lambda p, o: {}, None, LIST),
    "assistance:read_notifications": ("post", lambda p, o: {}, {}, expect(302, **NON_READERS)),
    # the high-risk task is for the case managers of the case's organization: 404 for anyone else
    "assistance:complete_task": (
        "post",
        lambda p, o: {"pk": assistance_objects(p)["task"]},
        {},
        expect(404, anonymous=302, case_manager=302, **NON_READERS),
    ),
    "assistance:overdue": ("get", lambda p, o: {}, None, expect(403, anonymous=302, case_manager=200, outsider=200)),
    "assistance:shelters": ("get", lambda p, o: {}, None, LIST),
    # return and reintegration: behind the case's door; a case manager approves
    "reintegration:scoring": ("get", lambda p, o: {}, None, LIST),
    "reintegration:case": ("get", _r(), None, READ),
    "reintegration:new_solution": ("get", _r(), None, WRITE_GET),
    "reintegration:fit_to_travel": ("get", _r("solution"), None, WRITE_GET),
    "reintegration:add_document": ("get", _r("solution"), None, WRITE_GET),
    "reintegration:document_obtained": ("post", _r("document"), {}, WRITE_POST),
    "reintegration:add_leg": ("get", _r("solution"), None, WRITE_GET),
    "reintegration:approve": ("post", _r("solution"), {}, {**WRITE_POST, "caseworker": 403}),
    "reintegration:departure": ("get", _r("solution"), None, WRITE_GET),
    "reintegration:arrival": ("get", _r("solution"), None, WRITE_GET),
    "reintegration:cancel": ("get", _r("solution"), None, WRITE_GET),
    "reintegration:link_referral": ("get", _r("solution"), None, WRITE_GET),
    "reintegration:refer_for_return": ("get", _r("solution"), None, WRITE_GET),
    "reintegration:new_plan": ("get", _r(), None, WRITE_GET),
    "reintegration:add_assistance": ("get", _r("rplan"), None, WRITE_GET),
    "reintegration:disburse": ("get", _r("assistance"), None, WRITE_GET),
    "reintegration:new_visit": ("get", _r(), None, WRITE_GET),
    "reintegration:close": ("get", _r(), None, WRITE_GET),
    # a case manager approves a requested closure (nothing requested here: refused in a message, 302)
    "reintegration:approve_closure": ("post", _r(), {}, {**WRITE_POST, "caseworker": 403}),
    "assistance:new_shelter": ("get", lambda p, o: {}, None, expect(403, anonymous=302, case_manager=200, outsider=200)),
    # referrals: home's case referred to the outsider's organization (sent, not yet answered)
    "referrals:inbox": ("get", lambda p, o: {}, None, LIST),
    "referrals:settings": (
        "get",
        lambda p, o: {},
        None,
        expect(403, anonymous=302, org_admin=200, case_manager=200, outsider=200),
    ),
    "referrals:new": ("get", lambda p, o: {"number": p.case.number}, None, WRITE_GET),
    "referrals:detail": ("get", _referral, None, {**READ, "outsider": 200}),
    "referrals:accept": ("post", _referral, {}, RECEIVER_POST),
    "referrals:decline": ("get", _referral, None, RECEIVER_GET),
    "referrals:delivered": ("get", _referral, None, RECEIVER_GET),
    "referrals:close": ("get", _referral, None, RECEIVER_GET),
    "referrals:withdraw": ("post", _referral, {}, {**WRITE_POST, "auditor": 403, "outsider": 403}),
    "linkage:estimates": ("get", lambda p, o: {}, None, LINKAGE),
    "linkage:new_estimate": ("get", lambda p, o: {}, None, LINKAGE),
    "linkage:estimate": ("get", lambda p, o: {"pk": linkage_objects(p)["estimate"]}, None, LINKAGE),
    "linkage:estimate_progress": ("get", lambda p, o: {"pk": linkage_objects(p)["estimate"]}, None, LINKAGE),
    "linkage:estimate_report": (
        "get",
        lambda p, o: {"pk": linkage_objects(p)["estimate"], "fmt": "html"},
        None,
        LINKAGE,
    ),
    "linkage:delete_estimate": ("get", lambda p, o: {"pk": linkage_objects(p)["estimate"]}, None, LINKAGE),
    "linkage:runs": ("get", lambda p, o: {}, None, LINKAGE),
    "linkage:new_run": ("get", lambda p, o: {}, None, LINKAGE),
    "linkage:run": ("get", lambda p, o: {"pk": linkage_objects(p)["run"]}, None, LINKAGE),
    "linkage:run_progress": ("get", lambda p, o: {"pk": linkage_objects(p)["run"]}, None, LINKAGE),
    "linkage:recluster": (
        "post",
        lambda p, o: {"pk": linkage_objects(p)["run"]},
        {"threshold": "0.8"},
        LINKAGE_POST,
    ),
    "linkage:review": ("get", lambda p, o: {"pk": linkage_objects(p)["run"]}, None, LINKAGE),
    "linkage:pair": (
        "get",
        lambda p, o: (lambda x: {"pk": x["run"], "pair_pk": x["pair"]})(linkage_objects(p)),
        None,
        LINKAGE,
    ),
    "linkage:decide": (
        "post",
        lambda p, o: (lambda x: {"pk": x["run"], "pair_pk": x["pair"]})(linkage_objects(p)),
        {"decision": "rejected"},
        LINKAGE_POST,
    ),
    "linkage:delete_run": ("get", lambda p, o: {"pk": linkage_objects(p)["run"]}, None, LINKAGE),
    "privacy:releases": ("get", lambda p, o: {}, None, RELEASES),
    "privacy:new_release": ("get", lambda p, o: {}, None, RELEASES_PREPARE),
    "privacy:release": (
        "get",
        lambda p, o: {"pk": privacy_objects.make_release(p.data_manager).pk},
        None,
        RELEASES,
    ),
    "privacy:release_progress": (
        "get",
        lambda p, o: {"pk": privacy_objects.make_release(p.data_manager).pk},
        None,
        RELEASES,
    ),
    "privacy:review_release": (
        "post",
        lambda p, o: {"pk": privacy_objects.make_release(p.data_manager).pk},
        {"decision": "approve", "reason": "Low risk."},
        expect(403, anonymous=302, auditor=302),
    ),
    "privacy:publish_release": (
        "post",
        lambda p, o: {"pk": privacy_objects.approved(p).pk},
        {},
        expect(403, anonymous=302, data_manager=302),
    ),
    "privacy:ledger": ("get", lambda p, o: {}, None, RELEASES),
    "runtime:healthz": ("get", lambda p, o: {}, None, expect(200)),
    "runtime:readyz": ("get", lambda p, o: {}, None, expect(503)),  # no worker in the tests: not ready
    "directory:list": ("get", lambda p, o: {}, None, DIRECTORY),
    "directory:countries": ("get", lambda p, o: {}, None, DIRECTORY),
    "directory:country": ("get", lambda p, o: {"code": "MD"}, None, DIRECTORY),
    "directory:export": ("get", lambda p, o: {"fmt": "csv"}, None, DIRECTORY),
    "directory:entry": ("get", lambda p, o: {"ref": directory_objects(p)["private"]}, None, DIRECTORY_PRIVATE),
    "directory:new": ("get", lambda p, o: {}, None, DIRECTORY_EDIT),
    "directory:import": ("get", lambda p, o: {}, None, DIRECTORY_EDIT),
    "directory:edit": ("get", lambda p, o: {"ref": directory_objects(p)["private"]}, None, DIRECTORY_EDIT),
    "directory:delete": ("get", lambda p, o: {"ref": directory_objects(p)["private"]}, None, DIRECTORY_EDIT),
    "directory:verify": ("post", lambda p, o: {"ref": directory_objects(p)["shared"]}, {}, DIRECTORY_EDIT_POST),
    "funds:list": ("get", lambda p, o: {}, None, FUND_MEMBERS),
    "funds:new_fund": ("get", lambda p, o: {}, None, expect(403, anonymous=302, org_admin=200)),
    "funds:fund": ("get", _fund("fund"), None, FUND_MEMBERS),
    "funds:export": ("get", _fund("fund"), None, expect(403, anonymous=302, fund_reviewer=200)),
    # closing: an admin of the organization that runs the fund; its report: them and the fund's reviewers
    "funds:close_fund": ("get", _fund("fund"), None, expect(403, anonymous=302, org_admin=200)),
    "funds:closing_report": (
        "get",
        _fund("closed_fund"),
        None,
        expect(403, anonymous=302, org_admin=200, fund_reviewer=200),
    ),
    "funds:edit_request": (
        "get",
        _fund("draft_request"),
        None,
        expect(403, anonymous=302, **REQUESTERS, fund_reviewer=404, outsider=404),
    ),
    "funds:new_request": ("get", _fund("fund"), None, expect(403, anonymous=302, **REQUESTERS, outsider=200)),
    "funds:request": ("get", _fund("request"), None, {**FUND_REQUEST, **NOT_ON_THE_CASE}),
    # a draft is the requesting organization's own: the reviewer does not see it yet
    "funds:submit": (
        "post",
        _fund("draft_request"),
        {},
        expect(403, anonymous=302, **REQUESTERS_POST, fund_reviewer=404, outsider=404),
    ),
    "funds:grant": (
        "post",
        _fund("request"),
        {"granted": "1"},
        {**expect(403, anonymous=302, **REQUESTERS_POST, outsider=404), **NOT_ON_THE_CASE},
    ),
    "funds:review": ("post", _fund("submitted_request"), {}, FUND_REVIEWER_POST),
    "funds:decide": ("get", _fund("request"), None, {**FUND_REVIEWER_GET, **NOT_ON_THE_CASE}),
    "funds:pay": ("get", _fund("approved_request"), None, FUND_REVIEWER_GET),
    "funds:report": ("get", _fund("disbursed_request"), None, FUND_REQUESTERS_GET),
    "funds:close": ("post", _fund("reported_request"), {}, FUND_REVIEWER_POST),
    "funds:add_document": ("get", _fund("request"), None, {**FUND_REQUESTERS_GET, **NOT_ON_THE_CASE}),
    # a document shared with the fund's reviewers
    "funds:document": (
        "get",
        lambda p, o: (lambda x: {"pk": x["request"], "doc": x["fund_document"]})(fund_objects(p)),
        None,
        {**FUND_REQUEST, **NOT_ON_THE_CASE},
    ),
    "published:list": ("get", lambda p, o: {}, None, PUBLIC),
    "published:release": ("get", lambda p, o: {"pk": privacy_objects.published(p).pk}, None, PUBLIC),
    "published:download": (
        "get",
        lambda p, o: {"pk": privacy_objects.published(p).pk, "name": "data.csv"},
        None,
        PUBLIC,
    ),
}


def _names(resolver: URLResolver, prefix: str = "") -> set[str]:
    names = set()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern).startswith("api/"):
                continue  # the API's matrix lives in tests/api
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            names |= _names(p, ns)
        elif isinstance(p, URLPattern) and p.name:
            names.add(prefix + p.name)
    return names


def test_every_url_is_in_the_matrix():
    assert _names(get_resolver()) == set(MATRIX)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_permission(client, personas, name, role):
    method, kwargs, data, expected = MATRIX[name]
    objects = _objects(personas)
    user = sign_in(client, personas, role)
    url = reverse(name, kwargs=kwargs(personas, objects))
    before = ActivityLog.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = getattr(client, method)(url, data) if method == "post" else client.get(url)
    assert response.status_code == expected[role], f"{role} {method.upper()} {url}"
    if role in PENDING and response.status_code == 302 and name not in ("accounts:logout", "set_language"):
        assert response["Location"].startswith(PENDING[role]), f"{role} {url} → {response['Location']}"
    if response.status_code in (403, 404):
        body = response.content.decode(errors="replace")
        assert "Petrova" not in body and personas.case.number not in body
    if response.status_code == 404 and role != "anonymous" and name not in NOT_A_REFUSAL:
        # a refused attempt ("not yours") is a security event: who, what, when, no identifying value
        events = ActivityLog.objects.filter(id__gt=before, action__startswith="security.")
        assert events.exists(), f"{role} {method.upper()} {url}: refused without a security event"
        assert {e.actor_id for e in events} == {user.pk}
        assert "Petrova" not in str(list(events.values("object_label", "changes")))


def test_outsider_lists_and_searches_see_nothing(client, personas):
    client.force_login(personas.outsider.user)
    body = client.get(reverse("cases:list")).content.decode()
    assert personas.case.number not in body and personas.outsider_case.number in body
    body = client.post(
        reverse("cases:search"), {"full_name": "Olga Petrova", "birth_date": "1995-04-02"}
    ).content.decode()
    assert personas.case.number not in body


def test_colleague_does_not_see_an_unassigned_case_until_assigned(client, personas):
    from ctm.cases.domain.cases import assign_case

    client.force_login(personas.other_caseworker.user)
    assert personas.case.number not in client.get(reverse("cases:list")).content.decode()
    assign_case(personas.case, by=personas.case_manager, assignees=[personas.other_caseworker.user])
    assert personas.case.number in client.get(reverse("cases:list")).content.decode()


def test_closed_case_is_still_protected(client, personas):
    close_case(personas.case, by=personas.caseworker, reason="plan_completed")
    client.force_login(personas.outsider.user)
    assert client.get(reverse("cases:detail", args=[personas.case.number])).status_code == 404


REFUSED = (403, 404)
# 404s that are not a door refusing an object of someone else: nothing to approve on the case (its
# manager sees it).
NOT_A_REFUSAL = {"cases:closure_decision"}


@pytest.mark.parametrize("role", ROLES)
def test_refused_roles_cannot_post_either(client, personas, role):
    """A page refused on GET is refused on POST too, before any form is validated and nothing is written."""
    from ctm.core.models import ActivityLog

    sign_in(client, personas, role)
    objects = _objects(personas)
    login_url = reverse("accounts:login")
    checked = 0
    for name in sorted(MATRIX):
        method, kwargs, _data, expected = MATRIX[name]
        if method != "get" or expected[role] not in (*REFUSED, 302):
            continue
        url = reverse(name, kwargs=kwargs(personas, objects))
        if expected[role] == 302 and role not in ("anonymous", *PENDING):
            continue  # a redirect on GET for a signed-in role (e.g. home) is not a refusal
        if role in PENDING and name in ("accounts:login",):
            continue
        before = ActivityLog.objects.exclude(action__startswith="security.").count()
        response = client.post(url, {"version": 0})
        if role == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(login_url), url
        elif role in PENDING:
            assert response.status_code == 302 and response["Location"].startswith(PENDING[role]), url
        else:
            assert response.status_code in (*REFUSED, 405), f"{role} POST {url}: {response.status_code}"
        # nothing written but the security event of a refused attempt
        after = ActivityLog.objects.exclude(action__startswith="security.").count()
        assert after == before, f"{role} POST {url} wrote to the activity log"
        checked += 1
    assert checked or role in {"case_manager", "caseworker"}


# --- every URL of the URLconf, the API's included, for a session that owes a login step ----------
# Built from the URLconf itself, so a URL added later is covered without a row: only the views of the
# login flow (marked with `account_flow`) may answer a pending session, and they are listed here.
FLOW_VIEWS = {
    "accounts:login": set(PENDING),
    "accounts:logout": set(PENDING),
    "set_language": set(PENDING),
    "accounts:two_factor": {"two_factor_pending"},
    "accounts:two_factor_setup": {"enrolment_pending"},
    "accounts:password_change": {"password_pending"},
}


def _every_pattern(resolver: URLResolver, prefix: str = "", ns: str = "") -> list[tuple[str, str, object]]:
    """(name, concrete path, view) for every URL pattern, parameters filled with placeholder values."""
    import re

    out = []
    for p in resolver.url_patterns:
        route = getattr(p.pattern, "_route", None)
        assert route is not None, f"a regex URL pattern ({p.pattern}) is not covered by this test"
        path = prefix + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: "1" if m.group(1) == "int" else "x1", route)
        if isinstance(p, URLResolver):
            out += _every_pattern(p, path, f"{ns}{p.namespace}:" if p.namespace else ns)
        else:
            out.append((ns + (p.name or ""), "/" + path, p.callback))
    return out


def test_flow_views_are_exactly_the_marked_views():
    from ctm.accounts.middleware import FLOW_ATTRIBUTE

    marked = {name for name, _path, view in _every_pattern(get_resolver()) if hasattr(view, FLOW_ATTRIBUTE)}
    assert marked == set(FLOW_VIEWS)


@pytest.mark.parametrize("role", sorted(PENDING))
def test_pending_session_reaches_no_url_outside_its_step(client, personas, role):
    """GET and POST on every URL (pages, API, public pages) as a session that owes a step: 0 successes."""
    from ctm.core.models import ActivityLog

    sign_in(client, personas, role)
    before = ActivityLog.objects.count()
    patterns = _every_pattern(get_resolver())
    assert len(patterns) > 80  # pages and API operations
    for name, path, _view in patterns:
        if role in FLOW_VIEWS.get(name, ()):
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            target = response.get("Location", "")
            if name in FLOW_VIEWS:  # login, logout, language: their own answer, never a page of data
                assert response.status_code in (200, 302, 400, 405), f"{role} {method} {path}"
                continue
            assert response.status_code == 302 and target.startswith(PENDING[role]), (
                f"{role} {method.upper()} {path} ({name}): {response.status_code} {target}"
            )
    assert ActivityLog.objects.count() == before
