"""The manager views as a list of panels that apps register (a small registry, no Django model).

A panel is a read: `compute(scope)` returns a table (columns and rows of plain values, never
identifying data: counts, staff usernames, categories) and, when it has one, a chart of the same
numbers. The dashboard page (`core:dashboard`) shows every panel the member may see, each with its
table, its chart (`core:dashboard_chart`, drawn on the server) and a CSV download
(`core:dashboard_csv`). An app registers its panels in its `AppConfig.ready()`:

    from ctm.core.panels import Panel, register
    register(Panel("referrals.inbox", _("Referrals sent, received, overdue"), referral_panel, order=50))

The registry lives in core so that any app may add to it and core's page imports no app above it.
docs/decisions/1103-manager-dashboard-panels.md says why.

The page does not count on each visit: `figures(scope)` reads the scope's snapshot (one row of
`core.PanelSnapshot` per organization, office and language), queues its refresh by the job worker
once it is over CTM_DASHBOARD_REFRESH_SECONDS old, and counts on the request only when there is no
usable snapshot. docs/decisions/1104-dashboard-snapshots.md says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ctm.core.errors import NotAllowed
from ctm.core.rules import can_view_dashboard, dashboard_office


@dataclass(frozen=True)
class PanelScope:
    """Whose figures: one organization, and one office when the manager is bound to an office (or
    chose one). `today` is fixed once per page so that every panel counts ages from the same day."""

    organization_id: int
    office_id: int | None
    today: Any  # datetime.date
    membership: Any = None


@dataclass
class Chart:
    """Bars of the table's numbers: one bar group per category, one series per label (stacked)."""

    categories: list[str]
    series: dict[str, list[float]]
    horizontal: bool = False
    value_label: str = ""


@dataclass
class PanelData:
    columns: list[str]
    rows: list[list[Any]]
    chart: Chart | None = None
    note: str = ""


@dataclass(frozen=True)
class Panel:
    key: str  # "app.name": the CSV's and the chart's address
    title: Any  # a lazy translation
    compute: Callable[[PanelScope], PanelData]
    order: int = 100
    allowed: Callable[[Any], bool] = field(default=can_view_dashboard)
    description: Any = ""
    # True: the figures depend on the member, not only on the scope (computed on every request, never
    # kept in the organization's snapshot).
    per_member: bool = False


_PANELS: dict[str, Panel] = {}


def scope_for(membership: Any, *, office_id: int | None, today: Any) -> PanelScope:
    """The figures a member may see: their organization, their office when their role is bound to
    one (whatever office they ask for), else the office asked for (checked by the caller to be one
    of the organization's) or the whole organization."""
    if not can_view_dashboard(membership):
        raise NotAllowed("Your role has no manager views.")
    bound = dashboard_office(membership)
    return PanelScope(
        membership.organization_id, bound if bound is not None else office_id, today, membership
    )


def register(panel: Panel) -> Panel:
    """Add (or replace, by key: `ready()` may run twice in tests) a panel."""
    _PANELS[panel.key] = panel
    return panel


def compute(panel: Panel, scope: PanelScope) -> PanelData:
    """One panel's figures: from the scope's snapshot (`figures`) unless the panel is the member's."""
    if panel.per_member:
        return panel.compute(scope)
    return figures(scope).get(panel)


@dataclass
class Figures:
    """Every shared panel's figures for one scope, as of `computed_at` (None: computed just now for
    this request, snapshots being off)."""

    scope: PanelScope
    panels: dict[str, PanelData]
    computed_at: Any = None  # datetime.datetime

    def get(self, panel: Panel) -> PanelData:
        if panel.per_member:
            return panel.compute(self.scope)
        found = self.panels.get(panel.key)
        return found if found is not None else panel.compute(self.scope)  # registered after the snapshot


def _shared() -> list[Panel]:
    return [p for p in _PANELS.values() if not p.per_member]


def compute_all(scope: PanelScope) -> dict[str, PanelData]:
    return {p.key: p.compute(scope) for p in _shared()}


def figures(scope: PanelScope) -> Figures:
    """The scope's figures, read from its snapshot (ctm.core.models.PanelSnapshot), one row.

    - A snapshot of today, at most CTM_DASHBOARD_REFRESH_SECONDS old: shown as it is.
    - Older, but at most CTM_DASHBOARD_MAX_AGE_SECONDS: shown (the page says "as of HH:MM"), and the
      job worker is asked, once, to compute a new one (`ctm.core.domain.tasks.refresh_dashboard`).
    - Missing, older than that, or of another day: every panel computed now, here, and stored.
    CTM_DASHBOARD_REFRESH_SECONDS = 0 turns snapshots off (computed on every request). Never read
    across organizations: the row is the scope's organization's, through the tenant manager."""
    import datetime

    from django.conf import settings
    from django.utils import timezone, translation

    from ctm.core.models import PanelSnapshot

    refresh = settings.CTM_DASHBOARD_REFRESH_SECONDS
    if not refresh:
        return Figures(scope, compute_all(scope))
    language = translation.get_language() or settings.LANGUAGE_CODE
    row = (
        PanelSnapshot.objects.filter(
            organization_id=scope.organization_id, office_id=scope.office_id, language=language
        )
        .only("pk", "day", "computed_at", "refresh_requested_at", "panels")
        .first()
    )
    now = timezone.now()
    max_age = datetime.timedelta(seconds=max(settings.CTM_DASHBOARD_MAX_AGE_SECONDS, refresh))
    if row is None or row.day != scope.today or now - row.computed_at > max_age:
        return store(scope, language, compute_all(scope), now, previous=row)
    if now - row.computed_at > datetime.timedelta(seconds=refresh):
        request_refresh(row, now, max_age)
    return Figures(scope, {k: _from_json(v) for k, v in row.panels.items()}, row.computed_at)


def request_refresh(row: Any, now: Any, max_age: Any) -> bool:
    """Queue one refresh job for the row: only the request that marks it queues (a row already
    marked less than the maximum age ago has its job queued; a mark older than that was lost)."""
    from django.db import transaction
    from django.db.models import Q

    from ctm.core.domain.jobs import submit
    from ctm.core.domain.tasks import refresh_dashboard
    from ctm.core.models import PanelSnapshot

    unmarked = Q(refresh_requested_at__isnull=True) | Q(refresh_requested_at__lt=now - max_age)
    with transaction.atomic():
        if not PanelSnapshot.objects.filter(unmarked, pk=row.pk).update(refresh_requested_at=now):
            return False
        submit(refresh_dashboard, row.pk, row.organization_id)  # with the mark (tests: run at once)
    return True


def store(
    scope: PanelScope, language: str, computed: dict[str, PanelData], now: Any, previous: Any = None
) -> Figures:
    """Keep `computed` (counted from `now` on) as the scope's snapshot (a new row, or the one there)."""
    from django.db import IntegrityError, transaction

    from ctm.core.models import PanelSnapshot

    stored = {k: _to_json(v) for k, v in computed.items()}
    values = {"day": scope.today, "computed_at": now, "panels": stored}
    where = {"organization_id": scope.organization_id, "office_id": scope.office_id, "language": language}
    if previous is None or not PanelSnapshot.objects.filter(pk=previous.pk).update(**values):
        try:
            with transaction.atomic():
                PanelSnapshot.objects.create(**where, **values)
        except IntegrityError:  # another request stored it a moment ago: ours is as new
            PanelSnapshot.objects.filter(**where).update(**values)
    return Figures(scope, {k: _from_json(v) for k, v in stored.items()}, now)  # as a later read shows them


def _plain(v: Any) -> Any:
    return v if v is None or isinstance(v, bool | int | float) else str(v)


def _to_json(data: PanelData) -> dict[str, Any]:
    chart = data.chart
    return {
        "columns": [str(c) for c in data.columns],
        "rows": [[_plain(v) for v in row] for row in data.rows],
        "note": str(data.note),
        "chart": None
        if chart is None
        else {
            "categories": [str(c) for c in chart.categories],
            "series": {str(k): list(v) for k, v in chart.series.items()},
            "horizontal": chart.horizontal,
            "value_label": str(chart.value_label),
        },
    }


def _from_json(d: dict[str, Any]) -> PanelData:
    c = d.get("chart")
    chart = None if c is None else Chart(c["categories"], c["series"], c["horizontal"], c["value_label"])
    return PanelData(d["columns"], d["rows"], chart, d.get("note", ""))


def refresh_snapshot(snapshot_id: int) -> bool:
    """The job's body: compute the row's scope again, as of now, in its language; False when the row
    is gone (its office deleted, say). Runs inside the row's organization's scope."""
    from django.utils import timezone, translation

    from ctm.core.models import PanelSnapshot

    row = PanelSnapshot.objects.filter(pk=snapshot_id).first()
    if row is None:
        return False
    started = timezone.now()
    scope = PanelScope(row.organization_id, row.office_id, timezone.localdate())
    with translation.override(row.language):
        computed = compute_all(scope)
    values = {"day": scope.today, "computed_at": started, "refresh_requested_at": None}
    PanelSnapshot.objects.filter(pk=row.pk).update(
        **values, panels={k: _to_json(v) for k, v in computed.items()}
    )
    return True


def panels_for(membership: Any) -> list[Panel]:
    return sorted((p for p in _PANELS.values() if p.allowed(membership)), key=lambda p: (p.order, p.key))


def get_panel(membership: Any, key: str) -> Panel | None:
    panel = _PANELS.get(key)
    return panel if panel is not None and panel.allowed(membership) else None


def registered() -> list[str]:
    return sorted(_PANELS)
