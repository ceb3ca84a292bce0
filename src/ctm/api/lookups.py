"""Turning path numbers and body ids into objects, always through the domain's doors."""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from ctm.accounts.models import User
from ctm.api.auth import membership_of
from ctm.api.errors import invalid
from ctm.cases.domain.queries.cases import get_case_for_user
from ctm.cases.domain.queries.parts import get_guardian
from ctm.cases.models import Case
from ctm.core.domain.queries.organizations import office_of, organization_by_id
from ctm.core.models import Office, Organization
from ctm.core.scopes import enter_request_scope

CASE_NUMBER = re.compile(r"[A-Za-z0-9-]{1,32}")


def get_case(request: Any, number: str) -> Case:
    """The case if the caller may read it; 404 for missing and not yours alike. Writes then go to the
    domain function, which answers 403 when the caller may read but not change it."""
    if not CASE_NUMBER.fullmatch(number):
        raise Http404("No such case")
    membership = membership_of(request)
    case = get_case_for_user(membership, number.upper())
    if case.organization_id != membership.organization_id:  # shared in: its parts are read in its scope
        enter_request_scope(request, membership.organization_id, case.organization_id)
    return case


def office_for(request: Any, office_id: int | None) -> Office | None:
    if office_id is None:
        return None
    office = office_of(membership_of(request).organization, office_id)
    if office is None:
        raise invalid("office", _("No such office in your organization."))
    return office


def organization_for(field: str, organization_id: int | None) -> Organization | None:
    if organization_id is None:
        return None
    organization = organization_by_id(organization_id)
    if organization is None:
        raise invalid(field, _("No such organization."))
    return organization


def guardian_for(case: Case, guardian_id: int | None) -> Any:
    if guardian_id is None:
        return None
    try:
        return get_guardian(case, guardian_id)
    except Http404:
        raise invalid("guardian", _("No such guardian for this case.")) from None


def users_for(field: str, user_ids: list[int]) -> list[User]:
    """Users by id (not protected rows: the domain function checks they belong to the case's organization)."""
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids, is_active=True)}
    if len(users) != len(set(user_ids)):
        raise invalid(field, _("No such user."))
    return [users[i] for i in user_ids]
