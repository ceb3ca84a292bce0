"""The case list: its filters, its pages and its count, read part by part through indexes that begin
with the organization (see `CaseRows`)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ctm.cases.domain.queries.paging import COUNT_CAP
from ctm.cases.domain.queries.scoping import readable, readable_scope
from ctm.cases.enums import CLOSED_STATUSES, DecisionState
from ctm.cases.models import Case, EligibilityDecision
from ctm.core.scopes import organization_scope

LIST_ORDER = ("-opened_on", "-id")
# The columns a list may be sorted by (`?sort=number`, `?sort=-number`): never null, so pages merge.
SORTS = {"opened": "opened_on", "number": "number", "status": "status", "stage": "stage"}


def ordering(sort: str) -> tuple[str, str]:
    """The list's order for a `sort` parameter: the column, then the id in the same direction."""
    field = SORTS.get(sort.removeprefix("-"))
    if field is None:
        return LIST_ORDER
    return (f"-{field}", "-id") if sort.startswith("-") else (field, "id")


@dataclass
class CaseFilters:
    status: str = ""
    stage: str = ""
    office: int | None = None
    owner: int | None = None
    citizenship: str = ""
    exploitation_country: str = ""
    exploitation_type: str = ""
    minor: bool | None = None
    opened_from: datetime.date | None = None
    opened_to: datetime.date | None = None
    number: str = ""
    queue: str = ""


IDLE_DAYS = 30
# A case manager's queues: what waits for them.
QUEUES = ("eligibility", "closure", "idle")


def queue_q(queue: str) -> Q:
    """Cases awaiting an eligibility approval, a closure decision, or idle for IDLE_DAYS (open ones)."""
    if queue == "eligibility":
        proposed = EligibilityDecision.objects.filter(case=OuterRef("pk"), state=DecisionState.PROPOSED)
        return Q(Exists(proposed))
    if queue == "closure":
        return Q(closure_requested_by__isnull=False)
    idle_since = timezone.now() - datetime.timedelta(days=IDLE_DAYS)
    return Q(updated_at__lt=idle_since) & ~Q(status__in=sorted(CLOSED_STATUSES))  # as the partial index says


def filter_cases(qs: QuerySet[Case], f: CaseFilters) -> QuerySet[Case]:
    lookups: dict[str, Any] = {}
    for name in ("status", "stage", "citizenship", "exploitation_country"):
        if getattr(f, name):
            lookups[name] = getattr(f, name)
    if f.office:
        lookups["office_id"] = f.office
    if f.owner:
        lookups["owner_id"] = f.owner
    if f.minor is not None:
        lookups["is_minor"] = f.minor
    if f.opened_from:
        lookups["opened_on__gte"] = f.opened_from
    if f.opened_to:
        lookups["opened_on__lte"] = f.opened_to
    if f.exploitation_type:
        lookups["exploitation_types__contains"] = f"|{f.exploitation_type}|"
    if f.number:
        lookups["number"] = f.number.strip().upper()
    qs = qs.filter(**lookups)
    return qs.filter(queue_q(f.queue)) if f.queue in QUEUES else qs


def listed(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Cases as a list shows them, newest first: with their owner, office and organization, and
    without reading (or decrypting) a secret."""
    return (
        qs.select_related("owner", "office", "organization")
        .defer("closure_note", "owner__password")
        .order_by(*LIST_ORDER)
    )


# What a row of the case list shows (cases/list.html), and nothing else: no identifying data, no secret.
SHOWN = (
    "number",
    "status",
    "stage",
    "opened_on",
    "is_minor",
    "high_risk",
    "sensitive",
    "organization_id",
    "person_id",
    "citizenship",
    "office__name",
    "owner__username",
)


def shown_in_list(qs: QuerySet[Case]) -> QuerySet[Case]:
    return qs.select_related("owner", "office").only(*SHOWN)


class CaseRows:
    """The cases a membership may read that match the filters, newest first, as a sequence that a
    Paginator pages and the API slices and counts; `columns` chooses what each row loads.

    A membership's scope is one or two disjoint parts: its organization's cases and, for a case
    manager, those other organizations share with it. Under one OR no index serves both a filter and
    the order, so the organization's part is read on its own, through an index that begins with the
    organization and the filtered column (its count reads that index only); the shared-in part, a few
    thousand cases at most, is read once as (opened on, id) pairs and merged into each page.
    """

    ordered = True  # for the Paginator's check

    def __init__(
        self,
        membership: Any,
        f: CaseFilters,
        *,
        columns: Callable[[QuerySet[Case]], QuerySet[Case]] = shown_in_list,
        order: tuple[str, str] = LIST_ORDER,
    ) -> None:
        self.columns = columns
        self.order = order
        self.keys = (order[0].removeprefix("-"), "pk")
        self.descending = order[0].startswith("-")
        self.membership = membership
        visible, self.organizations = readable(membership)
        with readable_scope(membership, self.organizations):  # querysets keep the scope they are built in
            parts = [filter_cases(Case.objects.filter(q), f) for q in visible]
            self.own: QuerySet[Case] = parts[0] if parts else Case.objects.none()
            self.others: list[QuerySet[Case]] = parts[1:]

    @cached_property
    def other_keys(self) -> list[tuple[Any, int]]:
        """(sort column, id) of the matching cases shared in, in the list's order (no more than the cap + 1)."""
        keys: list[tuple[Any, int]] = []
        for part in self.others:
            keys += part.order_by(*self.order).values_list(*self.keys)[: COUNT_CAP + 1]
        return sorted(keys, reverse=self.descending)

    def count(self, cap: int | None = None) -> int:
        """How many cases match; with a cap, the organization's own are counted up to `cap` + 1."""
        own = self.own.values("pk")
        return int((own if cap is None else own[: cap + 1]).count()) + len(self.other_keys)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Case]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("CaseRows are read by slices, one page at a time")
        start, stop = index.start or 0, index.stop
        if not self.other_keys:
            return list(self.columns(self.own).order_by(*self.order)[start:stop])
        own_keys = list(self.own.order_by(*self.order).values_list(*self.keys)[:stop])
        ids = [pk for _, pk in sorted(own_keys + self.other_keys, reverse=self.descending)[start:stop]]
        with readable_scope(self.membership, self.organizations):  # ids found by the parts above
            page = Case.objects.filter(pk__in=ids)
        found = {case.pk: case for case in self.columns(page)}
        return [found[pk] for pk in ids]


def case_list(membership: Any, f: CaseFilters) -> CaseRows:
    """The filtered cases with every column but the secrets (the API's list): `rows[a:b]`, `rows.count()`."""
    return CaseRows(membership, f, columns=listed)


def case_rows(
    membership: Any,
    f: CaseFilters,
    *,
    columns: Callable[[QuerySet[Case]], QuerySet[Case]] = shown_in_list,
    sort: str = "",
) -> CaseRows:
    """The case list page's rows (the columns it shows), for a `CappedPaginator`, in the order of
    `sort` (see `SORTS`; newest first by default)."""
    return CaseRows(membership, f, columns=columns, order=ordering(sort))


def queue_counts(membership: Any) -> dict[str, int]:
    """How many of the organization's cases wait in each queue (a case manager's home)."""
    # every queue counts the organization's own cases only: its scope is enough (no query for the
    # organizations sharing cases with it)
    with organization_scope(membership.organization_id):
        own = Case.objects.filter(organization_id=membership.organization_id)
        counts = {queue: own.filter(queue_q(queue)).count() for queue in QUEUES if queue != "eligibility"}
        # read from the proposed decisions' partial index, not by testing each of the cases (same count:
        # a decision belongs to its case's organization)
        proposed = EligibilityDecision.objects.filter(
            organization_id=membership.organization_id, state=DecisionState.PROPOSED
        )
        counts["eligibility"] = proposed.values("case_id").distinct().count()
        return {queue: counts[queue] for queue in QUEUES}
