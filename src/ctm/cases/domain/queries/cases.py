"""Protected reads of cases: the only doors through which views and the API fetch them."""

from __future__ import annotations

import datetime
import operator
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import reduce
from typing import Any, NoReturn

from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404

from ctm.cases.domain.queries.duplicates import NewPerson, scored_candidates
from ctm.cases.domain.queries.listing import CaseFilters, case_list, case_rows, filter_cases, listed
from ctm.cases.domain.queries.parts import log_identifying_read
from ctm.cases.domain.queries.scoping import (
    own_cases_q,
    readable,
    readable_scope,
    shared_case,
    writable_cases_q,
)
from ctm.cases.models import Case, IdentityDocument, Person
from ctm.cases.rules import can_write_cases
from ctm.core import crypto
from ctm.core.domain.activity import record
from ctm.core.domain.security import record_refusal
from ctm.core.models import Organization
from ctm.core.reads import identifying_access
from ctm.core.scopes import organization_scope, scopes_disabled

__all__ = [  # the list's doors live in listing.py; they are named here with the others
    "CaseFilters",
    "DuplicateCandidate",
    "case_list",
    "case_rows",
    "cases_for_user",
    "duplicate_candidates",
    "filter_cases",
    "forget_write_checks",
    "get_case_for_user",
    "listed",
    "may_write_case",
    "may_write_shown",
    "search_by_document",
    "search_by_name_and_birth",
    "view_person",
    "write_checks_memo",
]


def cases_for_user(membership: Any) -> QuerySet[Case]:
    """Every case the membership may read (own organization, or shared with it)."""
    parts, organizations = readable(membership)
    if not parts:
        return Case.objects.none()
    with readable_scope(membership, organizations):
        return Case.objects.filter(reduce(operator.or_, parts))


def get_case_for_user(membership: Any, number: str, *, write: bool = False) -> Case:
    """The case with this number if the membership may read (or write) it; 404 for missing and not yours.

    One statement for a case of the reader's own organization (the filter of `own_cases_q`, which
    for a writer is also `writable_cases_q`: the case knows it may be changed, `may_write_shown`);
    a case manager's case shared in is looked for only when there is none (one share, then its
    case). A case shared in belongs to another organization: the caller reads its parts in a scope
    that includes that organization (`enter_request_scope` in the views' and the API's `load_case`)."""
    q = own_cases_q(membership, one_case=True)
    if q is None or not number or (write and not can_write_cases(membership)):
        _refused(membership, number)
    case = _door(q, number, membership.organization_id)
    writable = case is not None and can_write_cases(membership)
    if case is None and not write:
        shared = shared_case(membership, number)
        if shared is not None:
            case = _door(Q(pk=shared[0]), number, membership.organization_id, shared[1])
    if case is None:
        _refused(membership, number)
    case.reader = membership  # who came through the door: a refused part of it is their security event
    case.shown_writable = (membership, writable)
    return case


def _door(q: Q, number: str, *organizations: int) -> Case | None:
    with organization_scope(*organizations):
        return (
            Case.objects.filter(q, number=number)
            .select_related("owner", "office", "organization")  # never the person: see view_person
            .first()
        )


def _refused(membership: Any, number: str) -> NoReturn:
    """404, and a security event: in the requester's log, and in the owner's when the number is
    another organization's case (found across organizations, its organization only)."""
    with scopes_disabled():
        owner = Case.objects.filter(number=number).values_list("organization", flat=True).first()
    record_refusal(
        "security.case.refused", membership, number, owner=Organization.objects.filter(pk=owner).first()
    )
    raise Http404("No such case")


def may_write_case(membership: Any, case: Case) -> bool:
    """Whether the membership may change the case, read from the database (one statement), or
    inside `write_checks_memo` once per membership state and case."""
    memo = _write_checks.get()
    if memo is None or membership is None or not connection.in_atomic_block:
        return _may_write_case(membership, case)
    key = (_membership_state(membership), case.pk)
    if key not in memo:
        memo[key] = _may_write_case(membership, case)
    return memo[key]


def may_write_shown(membership: Any, case: Case) -> bool:
    """For what a page shows (its edit buttons): whether the membership may change the case, as the
    door's own statement found it when the case came through `get_case_for_user` for this membership
    (no second query); `may_write_case` otherwise. Never an authorization: a write checks again with
    `may_write_case`, under its lock."""
    shown = getattr(case, "shown_writable", None)
    if shown is not None and shown[0] is membership:
        return bool(shown[1])
    return may_write_case(membership, case)


def _may_write_case(membership: Any, case: Case) -> bool:
    q = writable_cases_q(membership, case_id=case.pk)
    return q is not None and Case.objects.filter(q, pk=case.pk).exists()


def _membership_state(membership: Any) -> tuple[Any, ...]:
    """Everything about the membership that the answer may depend on, as it is now: each field
    (role, office, active...) and its organization's caseworker scope. Another state, another key."""
    fields = tuple(getattr(membership, f.attname) for f in membership._meta.concrete_fields)
    return (*fields, membership.organization.caseworker_scope)


_write_checks: ContextVar[dict[tuple[Any, ...], bool] | None] = ContextVar("write_checks", default=None)


@contextmanager
def write_checks_memo(*, keep: bool = False) -> Iterator[None]:
    """Inside the block, `may_write_case` derives each answer once per (membership state, case).

    For a loader that writes cases it created in its own transaction, still open (`ctm demo`):
    until it commits no one else sees those cases, so no one else can change who may write them.
    Its own changes of who may (owner, office, assignments) clear the answers (`forget_write_checks`);
    a changed membership or caseworker scope is another key; outside a transaction nothing is kept.
    Not for requests: their cases are committed, and others may change them between two checks.
    With `keep`, an enclosing block's answers stay in use (a new one opens only when there is none)."""
    token = _write_checks.set(_write_checks.get() if keep and _write_checks.get() is not None else {})
    try:
        yield
    finally:
        _write_checks.reset(token)


def forget_write_checks() -> None:
    """Called by the writes that change who may write a case (owner, office, assignments)."""
    memo = _write_checks.get()
    if memo is not None:
        memo.clear()


def view_person(membership: Any, case: Case, *, purpose: str = "case page") -> Person:
    """The case's person with identifying data (identity documents included), and one activity-log
    entry for the read: the only door through which a page, a form or the API gets a decrypted
    identity (`ctm.core.reads`)."""
    log_identifying_read(membership, case, "person", purpose=purpose)
    with identifying_access("cases.person.viewed"):
        person = Person.objects.prefetch_related("documents").get(pk=case.person_id)
    case.person = person
    return person


def search_by_name_and_birth(membership: Any, full_name: str, birth_date: datetime.date) -> QuerySet[Case]:
    digest = crypto.name_birth_index(full_name, birth_date.isoformat())
    record(
        "cases.person.searched",
        actor=membership.user,
        organization=membership.organization,
        changes={"by": "name+birth date"},
    )
    return cases_for_user(membership).filter(person__name_birth_index=digest)


def search_by_document(membership: Any, number: str) -> QuerySet[Case]:
    digest = crypto.document_index(number)
    person_ids = IdentityDocument.objects.filter(number_index=digest).values("person_id")
    record(
        "cases.person.searched",
        actor=membership.user,
        organization=membership.organization,
        changes={"by": "document"},
    )
    return cases_for_user(membership).filter(person_id__in=person_ids)


@dataclass
class DuplicateCandidate:
    case_number: str
    match: str  # "exact" (same name and birth date) or "similar"
    score: float = 0.0
    may_open: bool = False  # the user may open the case: the warning links to it


def duplicate_candidates(
    membership: Any,
    given_name: str,
    family_name: str,
    birth_date: datetime.date | None,
    birth_year: int | None,
    **facts: Any,
) -> list[DuplicateCandidate]:
    """Possible duplicates inside the organization, best first, scored (`duplicates.py`) on the names,
    the birth date or year, and the `facts` given (estimated_age, gender, citizenships,
    birth_date_is_estimate).

    A case the user may not open is named by its number only: the number is enough to ask a case
    manager, and the other person's data stays with those who serve them.
    """
    new = NewPerson(given_name or "", family_name or "", birth_date, birth_year, **_facts(facts))
    found = scored_candidates(membership.organization_id, new)
    if not found:
        return []
    cases = Case.objects.filter(
        organization_id=membership.organization_id, person_id__in=[c.person_id for c in found]
    ).only("number", "person_id")
    by_person = {case.person_id: case for case in cases}
    openable = set(
        cases_for_user(membership).filter(pk__in=[c.pk for c in cases]).values_list("pk", flat=True)
    )
    full = set(NewPerson(given_name or "", family_name or "").tokens)
    return [
        DuplicateCandidate(
            case.number,
            "exact"
            if c.same_date and {t for t, kind in c.words.items() if kind == "token"} == full
            else "similar",
            round(c.score, 2),
            case.pk in openable,
        )
        for c in found
        if (case := by_person.get(c.person_id)) is not None
    ]


def _facts(facts: dict[str, Any]) -> dict[str, Any]:
    return {
        "birth_date_is_estimate": bool(facts.get("birth_date_is_estimate")),
        "estimated_age": facts.get("estimated_age"),
        "gender": facts.get("gender") or "",
        "citizenships": tuple(facts.get("citizenships") or ()),
    }
