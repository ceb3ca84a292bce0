"""Factories for tests: organizations, users with memberships, and cases made through domain code."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from ctm.accounts.models import User
from ctm.cases.domain.cases import open_case
from ctm.core.enums import OrganizationType, Role
from ctm.core.models import Membership, Office, Organization

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)


def make_org(code: str | None = None, country: str = "MD", **extra: Any) -> Organization:
    n = next(_seq)
    code = code or f"O{n}"
    org = Organization.objects.create(
        name=extra.pop("name", f"Organization {code}"),
        code=code,
        country=country,
        org_type=OrganizationType.NGO,
        **extra,
    )
    Office.objects.create(
        organization=org, name=f"{code} main office", code="HQ", country=country, city="Capital"
    )
    Office.objects.create(
        organization=org, name=f"{code} field office", code="FLD", country=country, city="Town"
    )
    return org


def make_member(
    org: Organization, role: str, username: str | None = None, office: Office | None = None
) -> Membership:
    username = username or f"{role}-{org.code}-{next(_seq)}".lower()
    user = User.objects.create_user(username=username, password=PASSWORD)
    return Membership.objects.create(
        user=user, organization=org, role=role, office=office or org.offices.order_by("id").first()
    )


def make_platform_admin(username: str = "platform-admin") -> User:
    return User.objects.create_superuser(username=username, password=PASSWORD, email="")


def make_case(
    by: Membership,
    *,
    given: str = "Olga",
    family: str = "Petrova",
    birth: datetime.date | None = None,
    **case: Any,
):
    person = {
        "given_name": given,
        "family_name": family,
        "birth_date": birth or datetime.date(1995, 4, 2),
        "gender": "Feminine",
        "citizenships": ["MD"],
        "languages": ["ro"],
        "contacts": [{"kind": "phone", "value": "+37360000000"}],
        "address": "Strada Secret 1, Chisinau",
    }
    return open_case(by=by, person_data=person, case_data=case)


ROLES = [r.value for r in Role]


def make_office_bound_worker(org: Organization) -> Membership:
    """The organization's caseworkers bound to their office; a caseworker "north" of a new "North office"
    (code N) with one case there ("Ion Nord")."""
    from ctm.core.enums import CaseworkerScope

    north = Office.objects.create(organization=org, name="North office", code="N", country="MD")
    org.caseworker_scope = CaseworkerScope.OFFICE
    org.save(update_fields=["caseworker_scope"])
    worker = make_member(org, Role.CASEWORKER, "north", office=north)
    make_case(worker, given="Ion", family="Nord", office=north)
    return worker
