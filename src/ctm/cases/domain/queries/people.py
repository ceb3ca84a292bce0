"""Who the listed cases are about: name, age, sex and citizenship for a role that may open the cases,
read in one logged read per page shown (docs/decisions/0012-logged-reads.md)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from ctm.cases.domain.queries.scoping import readable_scope
from ctm.cases.models import Case, Person
from ctm.core.domain.activity import record
from ctm.core.models import Organization
from ctm.core.reads import identifying_access
from ctm.core.rules import can_write_cases

EXPORT_CAP = 5_000  # cases in one export of the list; narrower filters for the others
LISTED_FIELDS = ("given_name", "family_name", "birth_date", "estimated_age", "gender", "citizenships")


@dataclass(frozen=True)
class ListedPerson:
    name: str
    age: int | None
    gender: str  # the stored code; the template shows its label
    citizenships: tuple[str, ...]


def may_see_names(membership: Any) -> bool:
    """The people who serve the person (caseworkers, case managers) see who a listed case is about;
    an auditor reads the list without identities."""
    return can_write_cases(membership)


def age_today(birth_date: datetime.date | None, estimated_age: int | None) -> int | None:
    if birth_date is None:
        return estimated_age
    today = timezone.localdate()
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def people_of_cases(membership: Any, cases: Sequence[Case], *, purpose: str) -> dict[int, ListedPerson]:
    """case pk → the person, for the cases shown (already read through `case_rows`): one
    `cases.person.listed` entry per organization owning some of them, naming those cases."""
    if not cases or not may_see_names(membership):
        return {}
    _log_listing(membership, cases, purpose)
    # the cases came through the door: their organizations' scope (a partner's shared case too)
    organizations = sorted({c.organization_id for c in cases})
    with readable_scope(membership, organizations), identifying_access("cases.person.listed"):
        persons = {
            p.pk: p for p in Person.objects.filter(pk__in=[c.person_id for c in cases]).only(*LISTED_FIELDS)
        }
    return {c.pk: _listed(persons[c.person_id]) for c in cases if c.person_id in persons}


def _listed(p: Person) -> ListedPerson:
    return ListedPerson(
        p.full_name, age_today(p.birth_date, p.estimated_age), p.gender, tuple(p.citizenships)
    )


def _log_listing(membership: Any, cases: Sequence[Case], purpose: str) -> None:
    by_org: dict[int, list[str]] = {}
    for case in cases:
        by_org.setdefault(case.organization_id, []).append(case.number)
    # the reader's own organization is already loaded with its membership; others (cases shared in)
    # are read in one query
    organizations = {membership.organization_id: membership.organization}
    others = [org_id for org_id in by_org if org_id not in organizations]
    if others:
        organizations.update(Organization.objects.in_bulk(others))
    for org_id, numbers in sorted(by_org.items()):
        changes: dict[str, Any] = {"purpose": purpose, "cases": numbers}
        if org_id != membership.organization_id:
            changes["reader_organization"] = membership.organization.code
        record(
            "cases.person.listed", actor=membership.user, organization=organizations[org_id], changes=changes
        )


def record_list_export(membership: Any, *, fmt: str, rows: int, query: str) -> None:
    """The export itself (the identities it holds are logged by `people_of_cases`)."""
    record(
        "cases.list.exported",
        actor=membership.user,
        organization=membership.organization,
        changes={"format": fmt, "rows": rows, "filters": query},
    )
