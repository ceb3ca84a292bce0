"""The returns panel of the manager views (ctm.core.panels): durable solutions by kind and state, so a
manager sees the returns waiting for approval or departure. Counts only, no free text."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ctm.core.panels import Chart, Panel, PanelData, PanelScope, register
from ctm.reintegration.enums import SolutionKind, SolutionStatus
from ctm.reintegration.models import DurableSolution


def solutions_by_state(scope: PanelScope) -> PanelData:
    qs = DurableSolution.objects.filter(organization_id=scope.organization_id)
    if scope.office_id is not None:
        qs = qs.filter(case__office_id=scope.office_id)
    counts = {(k, s): n for k, s, n in qs.values_list("kind", "status").annotate(n=Count("id")).order_by()}
    kinds = dict(SolutionKind.choices)
    states = [s for s in SolutionStatus.values if s != SolutionStatus.CANCELLED]
    rows: list[list[object]] = [
        [str(kinds[k]), *[counts.get((k, s), 0) for s in states]] for k in SolutionKind.values
    ]
    columns = [_("Durable solution"), *[str(SolutionStatus(s).label) for s in states]]
    chart = Chart(
        categories=[str(r[0]) for r in rows],
        series={columns[i + 1]: [float(r[i + 1]) for r in rows] for i in range(len(states))},  # type: ignore[arg-type]
        horizontal=True,
        value_label=_("cases"),
    )
    return PanelData(columns, rows, chart)


def register_panels() -> None:
    register(
        Panel(
            "reintegration.returns",
            gettext_lazy("Returns and other durable solutions by state"),
            solutions_by_state,
            order=80,
        )
    )
