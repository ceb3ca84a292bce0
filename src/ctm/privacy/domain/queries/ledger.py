"""The privacy-budget ledger: the epsilon each source dataset has spent on its synthetic releases."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Sum

from ctm.privacy.enums import ReleaseMethod
from ctm.privacy.models import Dataset, Release

TOLERANCE = 1e-9


def spending(dataset: Dataset) -> Any:
    """The releases that count against a dataset's budget: every synthetic one, for what it spent (all of its
    epsilon, or what a failed run left spent: ctm.privacy.domain.spending)."""
    return Release.objects.filter(dataset=dataset, method=ReleaseMethod.SYNTHETIC)


def spent_epsilon(dataset: Dataset) -> float:
    if dataset.pk is None:  # a dataset about to be made has spent nothing
        return 0.0
    return float(spending(dataset).aggregate(total=Sum("epsilon_spent"))["total"] or 0.0)


def remaining_epsilon(dataset: Dataset) -> float:
    return max(dataset.total_epsilon - spent_epsilon(dataset), 0.0)


def fits_budget(dataset: Dataset, epsilon: float) -> bool:
    return epsilon <= dataset.total_epsilon - spent_epsilon(dataset) + TOLERANCE


@dataclass
class LedgerRow:
    dataset: Dataset
    spent: float = 0.0
    releases: list[Release] = field(default_factory=list)

    @property
    def remaining(self) -> float:
        return max(self.dataset.total_epsilon - self.spent, 0.0)

    @property
    def share_spent(self) -> float:
        return min(self.spent / self.dataset.total_epsilon, 1.0) if self.dataset.total_epsilon else 1.0


def ledger_for_user(membership: Any) -> list[LedgerRow]:
    """Every dataset of the organization with its synthetic releases and what they spent (two queries)."""
    org = membership.organization_id
    datasets = Dataset.objects.filter(organization_id=org).order_by("source", "-created_at", "-id")
    rows = {d.pk: LedgerRow(d) for d in datasets}
    releases = (
        Release.objects.filter(organization_id=org, method=ReleaseMethod.SYNTHETIC)
        .select_related("created_by")
        .order_by("created_at", "id")
    )
    for release in releases:
        row = rows.get(release.dataset_id)
        if row is None:
            continue
        release.dataset = row.dataset  # already read: its title words an untitled release
        row.releases.append(release)
        row.spent += release.epsilon_spent or 0.0
    return list(rows.values())
