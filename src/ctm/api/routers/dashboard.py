"""The manager views' panels as data (the tables of /dashboard/): counts, never a person."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.utils import timezone
from ninja import Router

from ctm.api.auth import membership_of
from ctm.api.errors import invalid
from ctm.api.schemas.common import responses
from ctm.api.schemas.dashboard import PanelOut
from ctm.core.models import Office
from ctm.core.panels import Figures, Panel, PanelScope, figures, get_panel, panels_for, scope_for

router = Router(tags=["dashboard"])


def _scope(request: Any, office: int | None) -> PanelScope:
    membership = membership_of(request)
    if office is not None and not Office.objects.filter(pk=office, organization_id=membership.organization_id).exists():
        raise invalid("office", "No office of your organization has this id.")
    return scope_for(membership, office_id=office, today=timezone.localdate())


def _out(panel: Panel, found: Figures) -> dict[str, Any]:
    data, scope = found.get(panel), found.scope
    return {
        "key": panel.key,
        "title": str(panel.title),
        "columns": [str(c) for c in data.columns],
        "rows": [[v if isinstance(v, int | float) else str(v) for v in row] for row in data.rows],
        "note": str(data.note),
        "office": scope.office_id,
        "as_of": None if panel.per_member else found.computed_at,
    }


@router.get("", response=responses(200, list[PanelOut], 403), summary="Every panel of the manager views")
def list_panels(request: Any, office: int | None = None) -> Any:
    scope = _scope(request, office)
    found = figures(scope)
    return [_out(panel, found) for panel in panels_for(scope.membership)]


@router.get("/{key}", response=responses(200, PanelOut, 403, 404), summary="One panel of the manager views")
def read_panel(request: Any, key: str, office: int | None = None) -> Any:
    scope = _scope(request, office)
    panel = get_panel(scope.membership, key)
    if panel is None:
        raise Http404("No such panel")
    return _out(panel, figures(scope))
