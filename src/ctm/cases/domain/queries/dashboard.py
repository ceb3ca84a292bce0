"""The case register's panels of the manager views (ctm.core.panels): caseload per caseworker and
per office, open cases by stage and age in stage. Counts only, from one GROUP BY read of the index
of open cases (`case_open_counts`: no case row read) that the three share when counted together. The dashboard reads them from a
snapshot (ctm.core.panels.figures): they run on a first visit and in the worker's refresh."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ctm.accounts.models import User
from ctm.cases.enums import CLOSED_STATUSES, Stage
from ctm.cases.models import Case, CaseAssignment
from ctm.core.models import Office
from ctm.core.panels import Chart, Panel, PanelData, PanelScope, register

OPEN_STAGES = [s for s in Stage.values if s != Stage.CLOSED]
# Age in stage, in days: [from, to) — the last has no end; each band starts where the one before
# ends (`open_case_counts` counts each as the difference of two "entered after" counts).
AGE_BANDS = ((0, 30), (30, 90), (90, 180), (180, None))


def open_cases(scope: PanelScope) -> QuerySet[Case]:
    qs = Case.objects.filter(organization_id=scope.organization_id).exclude(status__in=CLOSED_STATUSES)
    return qs.filter(office_id=scope.office_id) if scope.office_id is not None else qs


@dataclass
class OpenCaseCounts:
    """The scope's open cases counted once for the three case panels: per owner, per office (and of
    them minors), per stage and age band."""

    owned: dict[int | None, int] = field(default_factory=dict)
    per_office: dict[int | None, list[int]] = field(default_factory=dict)  # [cases, minors]
    per_stage: dict[str, list[int]] = field(default_factory=dict)  # cases per age band


def _rows(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    """A `values_list` queryset's rows as the database gives them, without Django's converter call
    per value (4,000 groups of 8 counts for the largest organization cost more in converters than
    PostgreSQL spent grouping them). The queryset is the tenant manager's (building it outside a
    scope raises), so its SQL carries the scope's organizations."""
    sql, params = qs.query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def open_case_counts(scope: PanelScope) -> OpenCaseCounts:
    """The scope's open cases per office, owner and stage, in one read of the index
    `case_open_counts` (in its order), added up here for the three panels below; kept in
    `scope.reads` so that they share it when counted together (a first visit's request, the refresh
    job); a panel counted alone reads it for itself. The age bands are counted as "entered the stage
    after day X" (one comparison per band), each band the difference of two of them."""
    if "cases.open_counts" not in scope.reads:
        cutoffs = [scope.today - datetime.timedelta(days=lo) for lo, _hi in AGE_BANDS]
        newer = {
            f"n{k}": Count("stage_since", filter=Q(stage_since__gt=day)) for k, day in enumerate(cutoffs)
        }
        qs = (
            open_cases(scope)
            .values_list("office_id", "owner_id", "stage")
            .annotate(n=Count("*"), minors=Count("id", filter=Q(is_minor=True)), **newer)
            .order_by()
        )
        counts = OpenCaseCounts()
        owned, per_office, per_stage = counts.owned, counts.per_office, counts.per_stage
        last = len(AGE_BANDS) - 1
        for office, owner, stage, n, minors, *after in _rows(qs):
            owned[owner] = owned.get(owner, 0) + n
            o = per_office.setdefault(office, [0, 0])
            o[0] += n
            o[1] += minors
            bands = per_stage.setdefault(stage, [0] * len(AGE_BANDS))
            for k in range(last):  # in the stage since day k's cutoff or before, after day k+1's
                bands[k] += after[k + 1] - after[k]
            bands[last] += n - after[last]  # since the last cutoff or before, or a day not recorded
        scope.reads["cases.open_counts"] = counts
    return scope.reads["cases.open_counts"]  # type: ignore[no-any-return]


def caseload_per_caseworker(scope: PanelScope) -> PanelData:
    """Open cases each person owns, and those they are assigned to (a team member)."""
    owned = open_case_counts(scope).owned
    assignments = CaseAssignment.objects.filter(
        organization_id=scope.organization_id, case__in=open_cases(scope).values("pk")
    )
    assigned = dict(assignments.values_list("user_id").annotate(n=Count("id")).order_by())
    people = dict(User.objects.filter(pk__in=set(owned) | set(assigned)).values_list("pk", "username"))
    rows = sorted(
        ([people.get(uid, "?"), owned.get(uid, 0), assigned.get(uid, 0)] for uid in people),
        key=lambda r: (-r[1], -r[2], r[0]),
    )
    chart = Chart(
        categories=[r[0] for r in rows],
        series={_("owned"): [r[1] for r in rows], _("assigned"): [r[2] for r in rows]},
        horizontal=True,
        value_label=_("open cases"),
    )
    return PanelData([_("Caseworker"), _("Open cases owned"), _("Open cases assigned")], rows, chart)


def caseload_per_office(scope: PanelScope) -> PanelData:
    per_office = open_case_counts(scope).per_office
    names = dict(Office.objects.filter(organization_id=scope.organization_id).values_list("pk", "name"))
    rows = sorted(
        ([names.get(o, _("No office")), n, minors] for o, (n, minors) in per_office.items()),
        key=lambda r: (-r[1], str(r[0])),
    )
    chart = Chart(
        categories=[str(r[0]) for r in rows],
        series={_("adults"): [r[1] - r[2] for r in rows], _("minors"): [r[2] for r in rows]},
        horizontal=True,
        value_label=_("open cases"),
    )
    return PanelData([_("Office"), _("Open cases"), _("of which minors")], rows, chart)


def _band_label(low: int, high: int | None) -> str:
    if high is None:
        return _("%(days)s days or more") % {"days": low}
    return _("%(low)s–%(high)s days") % {"low": low, "high": high - 1}


def cases_by_stage_and_age(scope: PanelScope) -> PanelData:
    """Open cases per stage, by how long they have been in it (days since `stage_since`)."""
    found = open_case_counts(scope).per_stage
    labels = dict(Stage.choices)
    rows = []
    for stage in OPEN_STAGES:
        counts = found.get(stage, [0] * len(AGE_BANDS))
        rows.append([str(labels[stage]), *counts, sum(counts)])
    band_labels = [_band_label(lo, hi) for lo, hi in AGE_BANDS]
    chart = Chart(
        categories=[r[0] for r in rows],
        series={label: [r[1 + k] for r in rows] for k, label in enumerate(band_labels)},
        value_label=_("open cases"),
    )
    return PanelData(
        [_("Stage"), *band_labels, _("Total")],
        rows,
        chart,
        note=_("Age: days since the case entered its stage."),
    )


def register_panels() -> None:
    register(
        Panel("cases.caseload", gettext_lazy("Caseload per caseworker"), caseload_per_caseworker, order=10)
    )
    register(Panel("cases.offices", gettext_lazy("Caseload per office"), caseload_per_office, order=20))
    register(
        Panel(
            "cases.stages",
            gettext_lazy("Open cases by stage and age in stage"),
            cases_by_stage_and_age,
            order=30,
        )
    )
