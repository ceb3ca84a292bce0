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

import logging
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
    # What the panels counted together for this scope share (one read of the open cases serves
    # three panels): filled by the panels themselves, alive as long as this scope (one request, or
    # one refresh job), never across scopes.
    reads: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


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
logger = logging.getLogger(__name__)


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
    this request, snapshots being off). A panel missing from `panels` is being prepared (`find`)."""

    scope: PanelScope
    panels: dict[str, PanelData]
    computed_at: Any = None  # datetime.datetime

    def get(self, panel: Panel) -> PanelData:
        if panel.per_member:
            return panel.compute(self.scope)
        found = self.panels.get(panel.key)
        return found if found is not None else panel.compute(self.scope)  # registered after the snapshot

    def find(self, panel: Panel) -> PanelData | None:
        """The panel's figures, or None while the snapshot does not hold them yet (being prepared)."""
        return panel.compute(self.scope) if panel.per_member else self.panels.get(panel.key)


def _shared() -> list[Panel]:
    return [p for p in _PANELS.values() if not p.per_member]


def compute_all(scope: PanelScope, *, skip: Any = ()) -> dict[str, PanelData]:
    return {p.key: p.compute(scope) for p in _shared() if p.key not in skip}


def _language() -> str:
    from django.conf import settings
    from django.utils import translation

    return translation.get_language() or settings.LANGUAGE_CODE


def _max_age(refresh: int) -> Any:
    import datetime

    from django.conf import settings

    return datetime.timedelta(seconds=max(settings.CTM_DASHBOARD_MAX_AGE_SECONDS, refresh))


def _row(scope: PanelScope, language: str) -> Any:
    from ctm.core.models import PanelSnapshot

    return (
        PanelSnapshot.objects.filter(
            organization_id=scope.organization_id, office_id=scope.office_id, language=language
        )
        .only("pk", "organization_id", "day", "computed_at", "refresh_requested_at", "panels")
        .first()
    )


def _usable(row: Any, scope: PanelScope, now: Any, max_age: Any) -> bool:
    return row is not None and row.day == scope.today and now - row.computed_at <= max_age


def figures(scope: PanelScope, *, complete: bool = True) -> Figures:
    """The scope's figures, read from its snapshot (ctm.core.models.PanelSnapshot), one row.

    - A snapshot of today, at most CTM_DASHBOARD_REFRESH_SECONDS old: shown as it is.
    - Older, but at most CTM_DASHBOARD_MAX_AGE_SECONDS: shown (the page says "as of HH:MM"), and the
      job worker is asked, once, to compute a new one (`ctm.core.domain.tasks.refresh_dashboard`).
    - Missing, older than that, or of another day: with `complete` (the API), every panel computed
      now, here, and stored; without (the page), nothing is counted on the request: the row is
      started empty, the worker asked to fill it, and the page shows each missing panel as "being
      prepared", fetched on its own (`panel_figures`). A row that lacks a panel (started so, or by
      a panel's own page) is completed the same way: computed here with `complete`, else asked of
      the worker and left missing.
    CTM_DASHBOARD_REFRESH_SECONDS = 0 turns snapshots off (computed on every request). Never read
    across organizations: the row is the scope's organization's, through the tenant manager."""
    import datetime

    from django.conf import settings
    from django.utils import timezone

    refresh = settings.CTM_DASHBOARD_REFRESH_SECONDS
    if not refresh:
        return Figures(scope, compute_all(scope))
    language = _language()
    row = _row(scope, language)
    now, max_age = timezone.now(), _max_age(refresh)
    if not _usable(row, scope, now, max_age):
        if complete:
            return store(scope, language, compute_all(scope), now, previous=row)
        row = store(scope, language, {}, now, previous=row, row=True)  # empty: every panel prepared
        request_refresh(row, now, max_age)
        return Figures(scope, {}, row.computed_at)
    found = {k: _from_json(v) for k, v in row.panels.items()}
    missing = [p.key for p in _shared() if p.key not in found]
    if missing and complete:
        found.update(merge(row, scope, compute_all(scope, skip=found), now))
    elif missing or now - row.computed_at > datetime.timedelta(seconds=refresh):
        request_refresh(row, now, max_age)
    return Figures(scope, found, row.computed_at)


def panel_figures(scope: PanelScope, panel: Panel) -> tuple[PanelData, Any]:
    """One panel's figures and as of when (None: the member's own, computed now): from the scope's
    snapshot when it holds them, else this panel alone computed now and added to the snapshot (its
    page without JavaScript, its CSV, its chart). The rest of the row is not counted; a stale row is
    shown and its refresh queued, as by the page."""
    from django.conf import settings

    if panel.per_member or not settings.CTM_DASHBOARD_REFRESH_SECONDS:
        return panel.compute(scope), None
    found, as_of = shared_figures(scope, [panel])
    return found[panel.key], as_of


def shared_figures(scope: PanelScope, panels: list[Panel]) -> tuple[dict[str, PanelData], Any]:
    """Shared panels' figures and as of when: those the scope's snapshot holds, the others counted
    together now (in one scope: they share their reads, `PanelScope.reads`) and added to the
    snapshot in one write (the page's panels being prepared, asked for in one request)."""
    import datetime

    from django.conf import settings
    from django.utils import timezone

    refresh = settings.CTM_DASHBOARD_REFRESH_SECONDS
    if not refresh:
        return {p.key: p.compute(scope) for p in panels}, None
    language = _language()
    row = _row(scope, language)
    now, max_age = timezone.now(), _max_age(refresh)
    if not _usable(row, scope, now, max_age):
        stored = store(scope, language, {p.key: p.compute(scope) for p in panels}, now, previous=row)
        return stored.panels, stored.computed_at
    if now - row.computed_at > datetime.timedelta(seconds=refresh):
        request_refresh(row, now, max_age)
    counted = {p.key: p.compute(scope) for p in panels if p.key not in row.panels}
    found = {**{k: _from_json(v) for k, v in row.panels.items()}, **merge(row, scope, counted, now)}
    return {p.key: found[p.key] for p in panels}, row.computed_at


def merge(row: Any, scope: PanelScope, computed: dict[str, PanelData], started: Any) -> dict[str, PanelData]:
    """Add panels counted from `started` on to the row, under its lock, unless the row was started
    again since (then it is newer than these figures: left as it is). Returns them as stored."""
    from django.db import OperationalError, transaction

    from ctm.core.models import PanelSnapshot

    stored = {k: _to_json(v) for k, v in computed.items()}
    if not stored:
        return {}
    try:
        with transaction.atomic():
            locked = PanelSnapshot.objects.select_for_update().filter(pk=row.pk).first()
            if locked is not None and locked.day == scope.today and locked.computed_at <= started:
                locked.panels = {**locked.panels, **stored}
                locked.save(update_fields=["panels"])
    except OperationalError as exc:  # a busy SQLite: shown all the same, kept by the next one
        logger.info("dashboard panels %s not kept: %s", sorted(stored), type(exc).__name__)
    return {k: _from_json(v) for k, v in stored.items()}


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
    scope: PanelScope,
    language: str,
    computed: dict[str, PanelData],
    now: Any,
    previous: Any = None,
    row: bool = False,
) -> Any:
    """Keep `computed` (counted from `now` on) as the scope's snapshot (a new row, or the one there,
    its other panels dropped). Returns the figures as a later read shows them (`row`: the row)."""
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
    if row:
        return PanelSnapshot.objects.get(**where)
    return Figures(scope, {k: _from_json(v) for k, v in stored.items()}, now)


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
    is gone (its office deleted, say). A row still fresh (started empty for a first visit, its
    panels being fetched one by one) gets only the panels it lacks. Runs inside the row's
    organization's scope."""
    import datetime

    from django.conf import settings
    from django.utils import timezone, translation

    from ctm.core.models import PanelSnapshot

    row = PanelSnapshot.objects.filter(pk=snapshot_id).first()
    if row is None:
        return False
    started = timezone.now()
    scope = PanelScope(row.organization_id, row.office_id, timezone.localdate())
    fresh = datetime.timedelta(seconds=settings.CTM_DASHBOARD_REFRESH_SECONDS)
    if row.day == scope.today and started - row.computed_at <= fresh:
        with translation.override(row.language):
            merge(row, scope, compute_all(scope, skip=row.panels), started)
        PanelSnapshot.objects.filter(pk=row.pk).update(refresh_requested_at=None)
        return True
    with translation.override(row.language):
        computed = compute_all(scope)
    values = {"day": scope.today, "computed_at": started, "refresh_requested_at": None}
    PanelSnapshot.objects.filter(pk=row.pk).update(
        **values, panels={k: _to_json(v) for k, v in computed.items()}
    )
    return True


def warm(organization_ids: Any = None) -> int:
    """Ask the worker to count again every scope someone looked at (each snapshot row) and each
    organization's whole-organization scope in the default language (started empty when it has no
    row yet): `ctm worker` calls it when it starts and `ctm demo` after loading, so a manager's first
    visit finds figures (after `ctm restore`, CTM's start starts the worker: the restore itself adds
    no row to what it restored). Returns the number of jobs queued. Enters each organization's scope
    in turn: no read across organizations."""
    from django.conf import settings
    from django.utils import timezone

    from ctm.core.models import Organization, PanelSnapshot
    from ctm.core.scopes import organization_scope

    orgs = Organization.objects.order_by("pk").values_list("pk", flat=True)
    if organization_ids is not None:
        orgs = orgs.filter(pk__in=organization_ids)
    now, today, queued = timezone.now(), timezone.localdate(), 0
    max_age = _max_age(settings.CTM_DASHBOARD_REFRESH_SECONDS)
    for org_id in orgs:
        with organization_scope(org_id):
            rows = PanelSnapshot.objects.filter(organization_id=org_id)
            if not rows.filter(office__isnull=True, language=settings.LANGUAGE_CODE).exists():
                store(PanelScope(org_id, None, today), settings.LANGUAGE_CODE, {}, now)
            for row in rows.only("pk", "organization_id"):
                queued += request_refresh(row, now, max_age)
    return queued


def warm_at_sign_in(memberships: Any) -> None:
    """A member has just signed in: for each of their memberships with manager views, the scope
    their dashboard opens on (their office when their role is bound to one, else the whole
    organization) in the language of the sign-in is read as the page reads it (`figures` without
    `complete`): no usable snapshot of today, an empty row started and the worker asked to count it;
    a stale one, its refresh queued. They land on their case list; when they open the dashboard
    seconds later it reads the snapshot (one row) instead of counting on their requests: the first
    visit of the day, and after a quiet spell, reads like any other (decision 1110). Nothing is
    counted on the sign-in's request itself (with a worker); at most one job per scope is queued
    (`request_refresh`'s mark), however often the same person signs in. Enters each membership's
    organization's scope: no read across organizations."""
    from django.conf import settings
    from django.utils import timezone

    from ctm.core.scopes import organization_scope

    if not settings.CTM_DASHBOARD_REFRESH_SECONDS:  # no snapshots: every visit counts anyway
        return
    today = timezone.localdate()
    for membership in memberships:
        if can_view_dashboard(membership):
            with organization_scope(membership.organization_id):
                figures(scope_for(membership, office_id=None, today=today), complete=False)


def panels_for(membership: Any) -> list[Panel]:
    return sorted((p for p in _PANELS.values() if p.allowed(membership)), key=lambda p: (p.order, p.key))


def get_panel(membership: Any, key: str) -> Panel | None:
    panel = _PANELS.get(key)
    return panel if panel is not None and panel.allowed(membership) else None


def registered() -> list[str]:
    return sorted(_PANELS)
