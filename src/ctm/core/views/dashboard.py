"""The manager views: every registered panel (ctm.core.panels) with its table, its chart and a CSV.

Scoped to the member's organization, and to their office when their role is office-bound (a caseworker
who sees every case of their office, `rules.office_bound`); a case manager or an admin may choose
an office. Panels hold counts, never a person: no read to log."""

from __future__ import annotations

import csv
import datetime
import io

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from ctm.core import charts
from ctm.core.cells import neutralize
from ctm.core.interfaces.forms import OfficeChoiceForm
from ctm.core.models import Office
from ctm.core.panels import (
    Panel,
    PanelData,
    PanelScope,
    figures,
    get_panel,
    panel_figures,
    panels_for,
    scope_for,
    shared_figures,
)
from ctm.core.rules import can_view_dashboard, dashboard_office


def _scope(request: HttpRequest) -> tuple[PanelScope, OfficeChoiceForm | None]:
    membership = getattr(request, "membership", None)
    if not can_view_dashboard(membership):
        raise PermissionDenied
    today = timezone.localdate()
    if dashboard_office(membership) is not None:  # an office-bound role: that office only, no choice
        return scope_for(membership, office_id=None, today=today), None
    form = OfficeChoiceForm(request.GET or None, organization=membership.organization)
    office = form.cleaned_data["office"] if form.is_bound and form.is_valid() else None
    return scope_for(membership, office_id=office.pk if office else None, today=today), form


def _panel(request: HttpRequest, key: str) -> tuple[Panel, PanelData, datetime.datetime | None]:
    """The panel's figures from the same snapshot as the page's (ctm.core.panels.panel_figures): the
    CSV, the chart and the table agree, and say as of when. Only this panel is counted when the
    snapshot lacks it."""
    scope, _form = _scope(request)
    panel = get_panel(scope.membership, key)
    if panel is None:
        raise Http404("No such panel")
    data, as_of = panel_figures(scope, panel)
    return panel, data, as_of


def _item(panel: Panel, data: PanelData | None, query: str) -> dict[str, object]:
    """One panel as the templates show it (`data` None: being prepared, fetched on its own)."""
    return {"panel": panel, "data": data, "query": query, "anchor": "panel-" + panel.key.replace(".", "-")}


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every panel from the scope's snapshot; the panels the snapshot does not hold yet (a first
    visit, or after a quiet spell) are shown as being prepared and fetched together, one request per
    app (`dashboard_panels`, htmx on load; each placeholder links to its panel's page without
    JavaScript) while the worker fills the snapshot: the page never counts."""
    scope, form = _scope(request)
    query = request.GET.urlencode()
    found = figures(scope, complete=False)
    shown = [_item(panel, found.find(panel), query) for panel in panels_for(scope.membership)]
    office = None
    if scope.office_id is not None and form is None:
        office = Office.objects.filter(pk=scope.office_id).first()
    preparing = [item["panel"].key for item in shown if item["data"] is None]
    context = {
        "panels": shown,
        "preparing": len(preparing),
        "prepare_queries": [_with_panels(request, keys) for keys in _by_app(preparing)],
        "form": form,
        "bound_office": office,
        "as_of": found.computed_at,
        "refresh_seconds": settings.CTM_DASHBOARD_REFRESH_SECONDS,
    }
    return render(request, "core/dashboard.html", context)


@login_required
@require_GET
def dashboard_panel(request: HttpRequest, key: str) -> HttpResponse:
    """One panel, as the dashboard shows it: the section that replaces its "being prepared"
    placeholder (htmx), or a page of its own (the placeholder's link, without JavaScript)."""
    panel, data, as_of = _panel(request, key)
    context = {"item": _item(panel, data, request.GET.urlencode()), "as_of": as_of}
    if getattr(request, "htmx", False):
        return render(request, "core/_dashboard_panel.html", {**context, "ready": True})
    return render(request, "core/dashboard_panel.html", context)


def _by_app(keys: list[str]) -> list[list[str]]:
    """The panels being prepared, one request per app (`app.name`): an app's panels share their
    reads (counted together), the apps' requests run side by side (the browser's connections)."""
    apps: dict[str, list[str]] = {}
    for key in keys:
        apps.setdefault(key.partition(".")[0], []).append(key)
    return list(apps.values())


def _with_panels(request: HttpRequest, keys: list[str]) -> str:
    """The page's query (its office) and the panels to fetch: the address of `dashboard_panels`."""
    query = request.GET.copy()
    query.setlist("panel", keys)
    return query.urlencode()


@login_required
@require_GET
def dashboard_panels(request: HttpRequest) -> HttpResponse:
    """The panels the page shows as being prepared (`?panel=` each; none named: every shared panel),
    in one request: those the snapshot lacks are counted together (their shared reads once) and
    kept in one write, then each section takes its placeholder's place (htmx out of band). One
    request's session, middleware and sign-in instead of one per panel
    (docs/decisions/1107-dashboard-panels-together.md)."""
    scope, _form = _scope(request)
    keys = request.GET.getlist("panel") or [p.key for p in panels_for(scope.membership)]
    panels = [get_panel(scope.membership, key) for key in keys]
    shared = list({p.key: p for p in panels if p is not None and not p.per_member}.values())
    if not shared:
        raise Http404("No such panel")
    found, _as_of = shared_figures(scope, shared)
    query = request.GET.copy()
    query.pop("panel", None)
    items = [_item(p, found[p.key], query.urlencode()) for p in shared]
    return render(request, "core/_dashboard_panels.html", {"items": items})


@login_required
@require_GET
def dashboard_csv(request: HttpRequest, key: str) -> HttpResponse:
    panel, data, as_of = _panel(request, key)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralize(str(c)) for c in data.columns])
    writer.writerows(
        [neutralize(v if isinstance(v, int | float) else str(v)) for v in row] for row in data.rows
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = panel.key.replace(".", "-")
    when = timezone.localtime(as_of or timezone.now())
    response["Content-Disposition"] = f'attachment; filename="ctm-{name}-{when:%Y-%m-%d-%H%M}.csv"'
    return response


@login_required
@require_GET
def dashboard_chart(request: HttpRequest, key: str) -> HttpResponse:
    data = _panel(request, key)[1]
    if data.chart is None:
        raise Http404("This panel has no chart")
    c = data.chart
    image = charts.bars_png(c.categories, c.series, horizontal=c.horizontal, value_label=c.value_label)
    response = HttpResponse(image, content_type="image/png")
    response["Cache-Control"] = "private, max-age=60"
    return response
