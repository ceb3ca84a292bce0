"""Which cases a membership may read or write, as query filters (built from the predicates in rules.py).

Cases reached through an assignment or a share are looked up first and enter the filter as a list of
ids (a subquery when there are many): `owner = me OR id IN (...)` lets the database combine two indexes,
where the same test written as a correlated EXISTS under the OR made it read every case (the door
of one case is the exception: its number finds the row, and the EXISTS is one probe). A case
manager's scope stays two disjoint parts, own and shared-in, that the case list reads one at a time
(see listing.py).

Tenant scopes: a request sees its own organization's rows only. Cases shared in belong to other
organizations, so the doors read them inside `readable_scope(membership)`, the one multi-organization
scope of the case register: the reader's organization and those sharing a case with it. The shares
themselves (rows of the owners) are found in `_incoming_shares`, the one place here that lifts the
scope.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection
from django.db.models import Exists, F, Lookup, OuterRef, Q, QuerySet

from ctm.cases.models import CaseAssignment, CaseShare
from ctm.cases.rules import can_read_cases, can_write_cases
from ctm.core.enums import CaseworkerScope, Role
from ctm.core.scopes import organization_scope, scopes_disabled

# Above this many ids the filter keeps a subquery: each id is a parameter to send and plan (about 8 µs
# apiece on PostgreSQL), and a statement's parameters are limited (SQLite: 32,766 by default).
ID_LIST_LIMIT = 200


class _AnyOf(Lookup):  # type: ignore[misc]  # Django ships no type hints
    """`lhs = ANY(rhs)`, rhs an array: with `ARRAY(SELECT ...)` PostgreSQL probes the primary key for
    each id, where for `IN (SELECT ...)` it would read an index of every case (4× slower here)."""

    lookup_name = "any_of"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = compiler.compile(self.rhs)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


def _case_ids(rows: QuerySet[Any]) -> Q | None:
    """`pk IN (ids)` for the cases these assignment or share rows point at (a subquery when many);
    None when there are none."""
    ids = list(rows.values_list("case_id", flat=True)[: ID_LIST_LIMIT + 1])
    if len(ids) <= ID_LIST_LIMIT:
        return Q(pk__in=ids) if ids else None
    return _case_ids_subquery(rows)


def _case_ids_subquery(rows: QuerySet[Any]) -> Q:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        return Q(_AnyOf(F("pk"), ArraySubquery(rows.values("case_id"))))
    return Q(pk__in=rows.values("case_id"))


def assigned_case_ids_q(membership: Any) -> Q | None:
    return _case_ids(CaseAssignment.objects.filter(user_id=membership.user_id))


def _incoming_shares(membership: Any) -> QuerySet[CaseShare]:
    """Shares of other organizations' cases with this membership's organization, not revoked (case
    managers only). A share belongs to the case's organization: finding those made *to* this one is
    a read across organizations, done here with the scope lifted, and nowhere else.
    """
    if membership is None or membership.role != Role.CASE_MANAGER or not can_read_cases(membership):
        return CaseShare.objects.none()
    org_id = membership.organization_id
    with scopes_disabled():
        shares = CaseShare.objects.filter(shared_with_id=org_id, revoked_at__isnull=True)
        return shares.exclude(organization_id=org_id)


def shared_case(membership: Any, number: str) -> tuple[int, int] | None:
    """(case id, its organization's id) of the case with this number shared with the membership's
    organization and not revoked (case managers only); None when there is no such share. The one
    case the door looks for, where `readable` lists them all."""
    row = _incoming_shares(membership).filter(case__number=number).values_list("case_id", "organization_id")
    return row.first()


def readable_organizations(membership: Any) -> list[int]:
    """The membership's organization, and for a case manager those sharing a case with it."""
    sharing = _incoming_shares(membership).values_list("organization_id", flat=True).distinct()
    return [membership.organization_id, *sharing]


def readable(membership: Any) -> tuple[list[Q], list[int]]:
    """The cases this membership may read, as disjoint filters (its organization's own cases, then
    for a case manager those other organizations share with it; none when it may read none), and
    the organizations they belong to (`readable_organizations`), the shares read once: when they are
    few (ID_LIST_LIMIT), their cases and organizations come from the same rows.

    Read one by one, each part can use the indexes that begin with the organization."""
    mine = own_cases_q(membership)
    if mine is None:
        return [], [membership.organization_id]
    if membership.role != Role.CASE_MANAGER:
        return [mine], [membership.organization_id]
    shares = _incoming_shares(membership)
    rows = list(shares.values_list("case_id", "organization_id")[: ID_LIST_LIMIT + 1])
    if len(rows) <= ID_LIST_LIMIT:
        shared = Q(pk__in=[case for case, _ in rows]) if rows else None
        sharing = sorted({org for _, org in rows})
    else:
        shared = _case_ids_subquery(shares)
        sharing = list(shares.values_list("organization_id", flat=True).distinct())
    return ([mine] if shared is None else [mine, shared]), [membership.organization_id, *sharing]


@contextmanager
def readable_scope(membership: Any, organizations: list[int] | None = None) -> Iterator[None]:
    """The tenant scope in which the doors read cases: `readable_organizations` (whose cases other
    than those shared the filters still exclude)."""
    with organization_scope(*(organizations or readable_organizations(membership))):
        yield


def _own_or_assigned_q(membership: Any, assigned: Q | None) -> Q:
    own = Q(owner_id=membership.user_id)
    if assigned is not None:
        own |= assigned
    if membership.organization.caseworker_scope == CaseworkerScope.OFFICE and membership.office_id:
        own |= Q(office_id=membership.office_id)
    return own


def own_cases_q(membership: Any, *, one_case: bool = False) -> Q | None:
    """The cases of the membership's own organization that it may read (the first part of
    `readable`); None when it may read none. With `one_case`, for a query of one case (the
    door): an assignment to it is a correlated EXISTS, where the list of assigned cases would be a
    query of its own first."""
    if not can_read_cases(membership):
        return None
    mine = Q(organization_id=membership.organization_id)
    if membership.role in (Role.CASE_MANAGER, Role.AUDITOR):
        return mine
    if one_case:
        assigned: Q | None = Q(Exists(CaseAssignment.objects.filter(case_id=OuterRef("pk"), user_id=membership.user_id)))
    else:
        assigned = assigned_case_ids_q(membership)
    return mine & _own_or_assigned_q(membership, assigned)


def writable_cases_q(membership: Any, *, case_id: int | None = None) -> Q | None:
    """Cases this membership may change: never shared-in cases, never for auditors.

    With `case_id`, the same filter for the one question "may it change this case?", answerable in
    one statement: the membership's assignment to that case is a subquery, where the list of cases
    assigned to it would be a query of its own first."""
    if not can_write_cases(membership):
        return None
    if membership.role == Role.CASE_MANAGER:
        return Q(organization_id=membership.organization_id)
    if case_id is None:
        assigned = assigned_case_ids_q(membership)
    else:
        assigned = Q(Exists(CaseAssignment.objects.filter(case_id=case_id, user_id=membership.user_id)))
    return Q(organization_id=membership.organization_id) & _own_or_assigned_q(membership, assigned)


def attachments_readable(membership: Any, case: Any) -> bool:
    """Whether the membership may see and download the case's files: its own organization's case,
    or a case shared with its organization by a share that includes them, under a referral consent
    that allows it (and is not withdrawn). The rest of a shared record never brings the files."""
    if case.organization_id == membership.organization_id:
        return True
    return CaseShare.objects.filter(
        case=case,
        shared_with_id=membership.organization_id,
        revoked_at__isnull=True,
        includes_attachments=True,
        consent__includes_attachments=True,
        consent__withdrawn_on__isnull=True,
    ).exists()
