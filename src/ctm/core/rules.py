"""Permission predicates for core: who may do what in an organization. Pure functions of a membership."""

from __future__ import annotations

from typing import Any

from ctm.core.enums import CaseworkerScope, Role

CASE_READERS = frozenset({Role.CASEWORKER, Role.CASE_MANAGER, Role.AUDITOR})
CASE_WRITERS = frozenset({Role.CASEWORKER, Role.CASE_MANAGER})


def has_role(membership: Any, *roles: str) -> bool:
    return membership is not None and membership.is_active and membership.role in roles


def can_read_cases(membership: Any) -> bool:
    return has_role(membership, *CASE_READERS)


def can_write_cases(membership: Any) -> bool:
    return has_role(membership, *CASE_WRITERS)


def can_manage_cases(membership: Any) -> bool:
    """Approve eligibility, assign, approve a minor's closure, share with another organization."""
    return has_role(membership, Role.CASE_MANAGER)


def office_bound(membership: Any) -> bool:
    """A caseworker of an organization whose caseworkers see every case of their office: the one
    role whose view of the cases is one office (case managers and admins see the organization)."""
    return (
        has_role(membership, Role.CASEWORKER)
        and membership.office_id is not None
        and membership.organization.caseworker_scope == CaseworkerScope.OFFICE
    )


def can_view_dashboard(membership: Any) -> bool:
    """The manager views (caseloads, stages, services, tasks): counts, never a person. Case managers
    and admins for the organization; an office-bound caseworker for their office."""
    return has_role(membership, Role.CASE_MANAGER, Role.ORG_ADMIN) or office_bound(membership)


def dashboard_office(membership: Any) -> int | None:
    """The office the manager views are restricted to (None: the whole organization)."""
    return membership.office_id if office_bound(membership) else None


def can_read_activity_log(membership: Any) -> bool:
    return has_role(membership, Role.AUDITOR, Role.ORG_ADMIN)


def can_manage_users(membership: Any) -> bool:
    return has_role(membership, Role.ORG_ADMIN)


def can_read_directory(membership: Any) -> bool:
    """The contact directory: every active member of an organization."""
    return membership is not None and membership.is_active


def can_edit_directory(membership: Any) -> bool:
    return has_role(membership, Role.ORG_ADMIN, Role.DIRECTORY_EDITOR)


def can_review_funds(membership: Any) -> bool:
    return has_role(membership, Role.FUND_REVIEWER)


def can_request_funds(membership: Any) -> bool:
    """Draft and submit requests to an emergency fund, grant a reviewer the identity."""
    return has_role(membership, Role.CASEWORKER, Role.CASE_MANAGER)
