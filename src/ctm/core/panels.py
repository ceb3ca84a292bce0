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
    # Kept this many seconds per organization, office, day and language (None: the setting
    # CTM_DASHBOARD_CACHE_SECONDS; 0: computed on every request). A panel whose figures depend on the
    # member (not only on the scope) must say 0.
    cache_seconds: int | None = None


_PANELS: dict[str, Panel] = {}


def scope_for(membership: Any, *, office_id: int | None, today: Any) -> PanelScope:
    """The figures a member may see: their organization, their office when their role is bound to
    one (whatever office they ask for), else the office asked for (checked by the caller to be one
    of the organization's) or the whole organization."""
    if not can_view_dashboard(membership):
        raise NotAllowed("Your role has no manager views.")
    bound = dashboard_office(membership)
    return PanelScope(membership.organization_id, bound if bound is not None else office_id, today, membership)


def register(panel: Panel) -> Panel:
    """Add (or replace, by key: `ready()` may run twice in tests) a panel."""
    _PANELS[panel.key] = panel
    return panel


def compute(panel: Panel, scope: PanelScope) -> PanelData:
    """The panel's figures, from the cache when computed a moment ago for the same organization,
    office, day and language (counts for a manager's overview: a minute old is fine; a page no
    longer reads 80,000 cases per panel on every visit). Never shared across organizations."""
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import translation

    seconds = panel.cache_seconds if panel.cache_seconds is not None else settings.CTM_DASHBOARD_CACHE_SECONDS
    if not seconds:
        return panel.compute(scope)
    key = f"ctm:panel:{panel.key}:{scope.organization_id}:{scope.office_id}:{scope.today}:{translation.get_language()}"
    found = cache.get(key)
    if found is None:
        found = panel.compute(scope)
        cache.set(key, found, seconds)
    return found  # type: ignore[no-any-return]


def panels_for(membership: Any) -> list[Panel]:
    return sorted((p for p in _PANELS.values() if p.allowed(membership)), key=lambda p: (p.order, p.key))


def get_panel(membership: Any, key: str) -> Panel | None:
    panel = _PANELS.get(key)
    return panel if panel is not None and panel.allowed(membership) else None


def registered() -> list[str]:
    return sorted(_PANELS)
