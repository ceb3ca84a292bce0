"""Protected reads of cases: the only doors through which views and the API fetch them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, NoReturn

from django.db.models import QuerySet
from django.http import Http404

from ctm.cases.domain.queries.listing import CaseFilters, case_list, case_rows, filter_cases, listed
from ctm.cases.domain.queries.parts import log_identifying_read
from ctm.cases.domain.queries.scoping import readable_scope, visible_cases_q, writable_cases_q
from ctm.cases.models import Case, IdentityDocument, Person, PersonPhoneticKey
from ctm.core import crypto
from ctm.core.domain.activity import record
from ctm.core.domain.security import record_refusal
from ctm.core.models import Organization
from ctm.core.reads import identifying_access
from ctm.core.scopes import scopes_disabled

__all__ = [  # the list's doors live in listing.py; they are named here with the others
    "CaseFilters",
    "DuplicateCandidate",
    "case_list",
    "case_rows",
    "cases_for_user",
    "duplicate_candidates",
    "filter_cases",
    "get_case_for_user",
    "listed",
    "may_write_case",
    "search_by_document",
    "search_by_name_and_birth",
    "view_person",
]


def cases_for_user(membership: Any) -> QuerySet[Case]:
    """Every case the membership may read (own organization, or shared with it)."""
    q = visible_cases_q(membership)
    if q is None:
        return Case.objects.none()
    with readable_scope(membership):
        return Case.objects.filter(q)


def get_case_for_user(membership: Any, number: str, *, write: bool = False) -> Case:
    """The case with this number if the membership may read (or write) it; 404 for missing and not yours.

    A case shared in belongs to another organization: the caller reads its parts in a scope that
    includes that organization (`enter_request_scope` in the views' and the API's `load_case`)."""
    q = writable_cases_q(membership) if write else visible_cases_q(membership)
    if q is None or not number:
        _refused(membership, number)
    with readable_scope(membership):
        case = (
            Case.objects.filter(q, number=number)
            .select_related("owner", "office", "organization")  # never the person: see view_person
            .first()
        )
    if case is None:
        _refused(membership, number)
    return case


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
    q = writable_cases_q(membership)
    return q is not None and Case.objects.filter(q, pk=case.pk).exists()


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
    match: str  # "exact" or "similar"


def duplicate_candidates(
    membership: Any,
    given_name: str,
    family_name: str,
    birth_date: datetime.date | None,
    birth_year: int | None,
) -> list[DuplicateCandidate]:
    """Possible duplicates inside the organization: exact blind-index match, then phonetic + birth year.

    Only case numbers are returned: a caseworker may not see the other person's data unless the case
    is theirs; the number is enough to ask a case manager.
    """
    org_id = membership.organization_id
    full = f"{given_name} {family_name}"
    found: dict[int, DuplicateCandidate] = {}
    if birth_date:
        exact = Person.objects.filter(
            organization_id=org_id, name_birth_index=crypto.name_birth_index(full, birth_date.isoformat())
        )
        for case in Case.objects.filter(person__in=exact).only("number", "person_id"):
            found[case.person_id] = DuplicateCandidate(case.number, "exact")
    year = birth_date.year if birth_date else birth_year
    digests = [crypto.phonetic_index(code, year) for code in crypto.phonetic_tokens(full)]
    if digests:
        similar = PersonPhoneticKey.objects.filter(organization_id=org_id, digest__in=digests).values(
            "person_id"
        )
        for case in Case.objects.filter(person_id__in=similar).only("number", "person_id")[:20]:
            found.setdefault(case.person_id, DuplicateCandidate(case.number, "similar"))
    return list(found.values())
