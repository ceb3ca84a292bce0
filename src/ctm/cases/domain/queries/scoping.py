"""Which cases a membership may read or write, as query filters (built from the predicates in rules.py)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from ctm.cases.models import CaseAssignment, CaseShare
from ctm.cases.rules import can_read_cases, can_write_cases
from ctm.core.enums import CaseworkerScope, Role


def _own_or_assigned_q(membership: Any) -> Q:
    assigned = CaseAssignment.unscoped.filter(case=OuterRef("pk"), user_id=membership.user_id)
    own = Q(owner_id=membership.user_id) | Q(Exists(assigned))
    if membership.organization.caseworker_scope == CaseworkerScope.OFFICE and membership.office_id:
        own |= Q(office_id=membership.office_id)
    return own


def _shared_q(membership: Any) -> Q:
    shares = CaseShare.unscoped.filter(
        case=OuterRef("pk"), shared_with_id=membership.organization_id, revoked_at__isnull=True
    )
    return Q(Exists(shares))


def visible_cases_q(membership: Any) -> Q | None:
    """The cases this membership may read, as a filter; None when it may read none."""
    if not can_read_cases(membership):
        return None
    if membership.role in (Role.CASE_MANAGER, Role.AUDITOR):
        mine = Q(organization_id=membership.organization_id)
        return mine | _shared_q(membership) if membership.role == Role.CASE_MANAGER else mine
    return Q(organization_id=membership.organization_id) & _own_or_assigned_q(membership)


def writable_cases_q(membership: Any) -> Q | None:
    """Cases this membership may change: never shared-in cases, never for auditors."""
    if not can_write_cases(membership):
        return None
    if membership.role == Role.CASE_MANAGER:
        return Q(organization_id=membership.organization_id)
    return Q(organization_id=membership.organization_id) & _own_or_assigned_q(membership)
