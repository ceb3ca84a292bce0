"""API fixtures: the shared personas with an API token each, and a home case with every part recorded.

`world` extends tests.conftest.Personas: the platform admin gets a membership (a token is bound to one)
in a platform organization, and the outsider organization holds a "twin" of the home person (same
name, birth date and document number) so that every negative test has data that could leak.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from ctm.accounts.domain.auth import create_api_token
from ctm.accounts.models import TotpDevice
from ctm.cases.domain.cases import close_case
from ctm.cases.domain.consent import add_guardian, record_consent
from ctm.cases.domain.notes import add_note
from ctm.cases.domain.persons import add_document
from ctm.cases.domain.screening import (
    add_event,
    propose_eligibility,
    record_screening,
    update_victim_context,
)
from ctm.core.enums import Role
from ctm.core.models import Membership
from tests import factories as f
from tests.assistance.objects import assistance_objects
from tests.directory.objects import directory_objects
from tests.funds.objects import fund_objects
from tests.reintegration.objects import api_objects

PREFIX = "/api/v1"
ROLES = [
    "caseworker",
    "other_caseworker",
    "case_manager",
    "org_admin",
    "data_manager",
    "fund_reviewer",
    "auditor",
    "platform_admin",
    "outsider",
    "two_factor_pending",  # a case manager with an authenticator app, holding a token no verified session made
]
SECRET_NOTE = "Secret note: Olga hides at her aunt's"
DOCUMENT = "AB1234567"


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    """Argon2 is the production hasher; tests create many users and do not log in with passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def fill_case(case: Any, by: Membership, *, note: str = SECRET_NOTE) -> dict[str, Any]:
    """Record every part of a case through the domain functions; returns the ids of what was made."""
    today = timezone.localdate()
    doc = add_document(case, by=by, data={"kind": "passport", "number": DOCUMENT, "issuing_country": "MD"})
    update_victim_context(
        case,
        by=by,
        data={
            "exploitation_types": ["ForcedLabour"],
            "exploitation_country": "RU",
            "recruitment_place": "Bălți",
        },
    )
    event = add_event(case, by=by, data={"event_type": "Exploitation", "country": "RU", "place": "Moscow"})
    guardian = add_guardian(case, by=by, data={"name": "Maria Petrova", "relationship": "aunt"})
    consent = record_consent(
        case, by=by, data={"scope": "processing", "given_on": today - datetime.timedelta(days=10)}
    )
    add_note(case, by=by, body=note)
    record_screening(case, by=by, data={"interview_date": today, "narrative": "She was promised a job."})
    decision = propose_eligibility(
        case,
        by=by,
        data={"trafficking_status": "ActualVictimOfTrafficking", "decision_body": "NGO", "decided_on": today},
    )
    return {
        "document": doc.pk,
        "event": event.pk,
        "guardian": guardian.pk,
        "consent": consent.pk,
        "decision": decision.pk,
    }


class Ids(dict):  # type: ignore[type-arg]
    """The world's ids; the return and reintegration records (which move the home case on to
    monitoring, and add a case per state of a return) are made on the first ask for one of their ids, so
    the tests that do not use them meet the world as it was (the referrals: `with_referrals`)."""

    def __init__(self, *make_more: Any) -> None:
        super().__init__()
        self.make_more = list(make_more)

    def __missing__(self, key: str) -> Any:
        while self.make_more and key not in self:
            self.update(self.make_more.pop(0)())
        if key not in self:
            raise KeyError(key)
        return self[key]


@dataclass
class World:
    personas: Any
    tokens: dict[str, str] = field(default_factory=dict)
    ids: Ids = field(default_factory=Ids)

    def membership(self, role: str) -> Membership:
        if role == "platform_admin":
            return self.platform_membership
        if role == "two_factor_pending":
            return self.pending_membership
        return getattr(self.personas, role)  # type: ignore[no-any-return]

    @property
    def case(self) -> Any:
        return self.personas.case

    @property
    def number(self) -> str:
        return self.personas.case.number  # type: ignore[no-any-return]


def build_world(personas: Any) -> World:
    world = World(personas)
    platform_org = f.make_org("PLT", "CH", name="Platform")
    world.platform_membership = Membership.objects.create(  # type: ignore[attr-defined]
        user=personas.platform_admin, organization=platform_org, role=Role.ORG_ADMIN
    )
    # A case manager whose token was made before they set up an authenticator app (or through a
    # password-only session): the token must not work (docs/decisions/0701-api-tokens-and-two-factor.md).
    world.pending_membership = f.make_member(personas.org, Role.CASE_MANAGER, "pending")  # type: ignore[attr-defined]
    for role in ROLES:
        membership = world.membership(role)
        _token, raw = create_api_token(membership, name=f"{role} token", by=membership.user)
        world.tokens[role] = raw
    TotpDevice.objects.create(user=world.pending_membership.user, name="app", confirmed=True)  # type: ignore[attr-defined]
    world.ids = Ids(lambda: api_objects(personas))
    world.ids.update(fill_case(personas.case, personas.caseworker))
    world.ids["number"] = personas.case.number
    closed = f.make_case(personas.caseworker, given="Ion", family="Rusu", birth=datetime.date(1990, 1, 1))
    close_case(closed, by=personas.caseworker, reason="plan_completed")
    world.ids["closed_number"] = closed.number
    minor = f.make_case(personas.caseworker, given="Ana", family="Ciobanu", birth=datetime.date(2012, 5, 5))
    close_case(minor, by=personas.caseworker, reason="plan_completed")  # a request: a manager approves
    world.ids["minor_number"] = minor.number
    # The outsider's twin of the home person, with everything recorded: data that could leak.
    twin = f.make_case(personas.outsider)
    fill_case(twin, personas.outsider, note="Outsider secret note")
    fill_case(personas.outsider_case, personas.outsider, note="Outsider secret note")
    world.ids["twin_number"] = twin.number
    world.ids["other_office"] = personas.other_org.offices.first().pk
    world.ids["other_org"] = personas.other_org.pk
    world.ids["home_org"] = personas.org.pk
    world.ids.update(assistance_objects(personas))  # an assessment, a plan, a service, a shelter stay
    world.ids.update({f"{k}_entry": v for k, v in directory_objects(personas).items()})
    world.ids.update(fund_objects(personas))
    world.ids["platform_org"] = platform_org.pk
    return world


@pytest.fixture
def world(personas: Any) -> World:
    return build_world(personas)


def with_referrals(world: World) -> World:
    """Home's cases referred to the outsider's organization (one sent, one accepted): only for the
    tests that need them, since they give the outsider a task and a notification."""
    from tests.referrals.objects import referral_objects

    if "referral" not in world.ids:
        world.ids.update(referral_objects(world.personas))
    return world


class Multipart(dict):  # type: ignore[type-arg]
    """A request body sent as multipart/form-data (with files) instead of JSON."""


class Caller:
    """A test client speaking JSON with one persona's bearer token."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str, body: Any = None, **query: Any) -> Any:
        url = PREFIX + path
        call = getattr(self.client, method.lower())
        if method.upper() in ("GET", "DELETE"):
            return call(url, query or None, headers=self.headers)
        if isinstance(body, Multipart):
            return call(url, dict(body), headers=self.headers)  # a file upload: multipart/form-data
        data = body if isinstance(body, (str, bytes)) else json.dumps(body or {})
        return call(url, data, content_type="application/json", headers=self.headers)

    def get(self, path: str, **query: Any) -> Any:
        return self.request("GET", path, **query)

    def post(self, path: str, body: Any = None) -> Any:
        return self.request("POST", path, body)

    def put(self, path: str, body: Any = None) -> Any:
        return self.request("PUT", path, body)

    def patch(self, path: str, body: Any = None) -> Any:
        return self.request("PATCH", path, body)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)


@pytest.fixture
def as_(world: World) -> Any:
    """`as_("case_manager").get("/cases")`: call the API as a persona."""
    return lambda role: Caller(world.tokens[role])
