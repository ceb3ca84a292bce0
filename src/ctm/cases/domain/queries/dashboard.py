"""The case register's panels of the manager views (ctm.core.panels): caseload per caseworker and
per office, open cases by stage and age in stage. Counts only, from one GROUP BY read of the index
of open cases (`case_open_counts`: no case row read) that the three share when counted together. The dashboard reads them from a
snapshot (ctm.core.panels.figures): they run on a first visit and in the worker's refresh."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ctm.accounts.models import User
from ctm.cases.enums import CLOSED_STATUSES, Stage
from ctm.cases.models import Case, CaseAssignment
from ctm.core.models import Office
from ctm.core.panels import Chart, Panel, PanelData, PanelScope, register

OPEN_STAGES = [s for s in Stage.values if s != Stage.CLOSED]
# Age in stage, in days: [from, to) — the last has no end.
AGE_BANDS = ((0, 30), (30, 90), (90, 180), (180, None))


def open_cases(scope: PanelScope) -> QuerySet[Case]:
    qs = Case.objects.filter(organization_id=scope.organization_id).exclude(status__in=CLOSED_STATUSES)
    return qs.filter(office_id=scope.office_id) if scope.office_id is not None else qs


def open_case_groups(scope: PanelScope) -> list[tuple[int | None, int, str, int, int, list[int]]]:
    """The scope's open cases counted per office, owner and stage: (office, owner, stage, cases,
    minors, [cases per age band]). One read of the index `case_open_counts`, in its order, shared
    by the three panels below when they are counted together (`scope.reads`: a first visit's
    request, the refresh job); a panel counted alone reads it for itself."""
    if "cases.open_groups" not in scope.reads:
        bands = {
            f"b{k}": Count("id", filter=_band_q(scope.today, lo, hi)) for k, (lo, hi) in enumerate(AGE_BANDS)
        }
        rows = (
            open_cases(scope)
            .values_list("office_id", "owner_id", "stage")
            .annotate(n=Count("id"), minors=Count("id", filter=Q(is_minor=True)), **bands)
            .order_by()
        )
        scope.reads["cases.open_groups"] = [(*r[:5], list(r[5:])) for r in rows]
    return list(scope.reads["cases.open_groups"])


def _add(counts: dict[object, int], key: object, n: int) -> None:
    counts[key] = counts.get(key, 0) + n


def caseload_per_caseworker(scope: PanelScope) -> PanelData:
    """Open cases each person owns, and those they are assigned to (a team member)."""
    owned: dict[object, int] = {}
    for _office, owner, _stage, n, _minors, _bands in open_case_groups(scope):
        _add(owned, owner, n)
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
    cases: dict[object, int] = {}
    minors: dict[object, int] = {}
    for office, _owner, _stage, n, m, _bands in open_case_groups(scope):
        _add(cases, office, n)
        _add(minors, office, m)
    names = dict(Office.objects.filter(organization_id=scope.organization_id).values_list("pk", "name"))
    rows = sorted(
        ([names.get(o, _("No office")), n, minors[o]] for o, n in cases.items()),
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


def _band_q(today: datetime.date, low: int, high: int | None) -> Q:
    q = Q(stage_since__lte=today - datetime.timedelta(days=low))
    if high is None:
        return q | Q(stage_since__isnull=True)  # rows older than the field count as old
    return q & Q(stage_since__gt=today - datetime.timedelta(days=high))


def cases_by_stage_and_age(scope: PanelScope) -> PanelData:
    """Open cases per stage, by how long they have been in it (days since `stage_since`)."""
    found: dict[str, list[int]] = {}
    for _office, _owner, stage, _n, _minors, bands in open_case_groups(scope):
        found[stage] = [a + b for a, b in zip(found.get(stage, [0] * len(AGE_BANDS)), bands, strict=True)]
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
