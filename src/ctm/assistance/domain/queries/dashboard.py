"""The assistance panels of the manager views (ctm.core.panels): services delivered by type and
month, and the open tasks by how soon they are due. Counts only, read through the partial indexes
`service_delivered_panel` and `task_open_panel` (the delivered services, the open tasks), and
`case_open_counts` for which cases are open."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ctm.assistance.enums import ServiceStatus, SupportType, TaskKind, TaskStatus
from ctm.assistance.models import ServiceRecord, Task
from ctm.cases.enums import CLOSED_STATUSES
from ctm.cases.models import Case
from ctm.core.panels import Chart, Panel, PanelData, PanelScope, register

MONTHS = 12
SOON_DAYS = 7


def _first_month(today: datetime.date) -> datetime.date:
    year, month = today.year, today.month - (MONTHS - 1)
    while month < 1:
        year, month = year - 1, month + 12
    return datetime.date(year, month, 1)


def _months(today: datetime.date) -> list[str]:
    start = _first_month(today)
    out = []
    for k in range(MONTHS):
        month = start.month - 1 + k
        out.append(f"{start.year + month // 12:04d}-{month % 12 + 1:02d}")
    return out


def services_by_type_and_month(scope: PanelScope) -> PanelData:
    """Services delivered (by the day they ended) in the last twelve months, per support type."""
    qs = ServiceRecord.objects.filter(
        organization_id=scope.organization_id,
        status=ServiceStatus.DELIVERED,
        ended_on__gte=_first_month(scope.today),
        ended_on__lte=scope.today,
    )
    if scope.office_id is not None:
        qs = qs.filter(case__office_id=scope.office_id)
    # Counted per day, then per month here: no date_trunc per row (nor EXTRACT's numeric), and
    # COUNT(*) of the index's own columns, so PostgreSQL reads the index alone.
    counts: dict[tuple[str, str], int] = {}
    for day, kind, n in qs.values_list("ended_on", "support_type").annotate(n=Count("*")).order_by():
        key = (f"{day.year:04d}-{day.month:02d}", kind)
        counts[key] = counts.get(key, 0) + n
    labels = dict(SupportType.choices)
    kinds = [k for k in SupportType.values if any(key[1] == k for key in counts)]
    months = _months(scope.today)
    rows = [
        [m, *(counts.get((m, k), 0) for k in kinds), sum(counts.get((m, k), 0) for k in kinds)]
        for m in months
    ]
    if not kinds:
        rows = []
    chart = Chart(
        categories=months,
        series={str(labels[k]): [counts.get((m, k), 0) for m in months] for k in kinds},
        value_label=_("services delivered"),
    )
    return PanelData([_("Month"), *(str(labels[k]) for k in kinds), _("Total")], rows, chart)


def _open_tasks(organization_id: int) -> QuerySet[Task]:
    """The organization's open tasks of open cases (`open_tasks`), the open cases read once from the
    index of open cases (`case_open_counts`, ids only) and hashed, the open tasks from theirs: each
    task's case is not looked up one by one, nor every case of the organization read."""
    cases = Case.objects.filter(organization_id=organization_id).exclude(status__in=CLOSED_STATUSES)
    return Task.objects.filter(
        organization_id=organization_id, status=TaskStatus.OPEN, case__in=cases.values("pk")
    )


def tasks_due(scope: PanelScope) -> PanelData:
    """Open tasks of open cases per kind: overdue, due within a week, later."""
    qs = _open_tasks(scope.organization_id)
    if scope.office_id is not None:
        qs = qs.filter(office_id=scope.office_id)
    soon = scope.today + datetime.timedelta(days=SOON_DAYS)
    found = {
        row["kind"]: row
        for row in qs.values("kind")
        .annotate(  # due_on (never null), not id: the index `task_open_panel` holds what is counted
            overdue=Count("due_on", filter=Q(due_on__lt=scope.today)),
            soon=Count("due_on", filter=Q(due_on__gte=scope.today, due_on__lte=soon)),
            later=Count("due_on", filter=Q(due_on__gt=soon)),
        )
        .order_by()
    }
    labels = dict(TaskKind.choices)
    rows = [
        [
            str(labels.get(kind, kind)),
            r["overdue"],
            r["soon"],
            r["later"],
            r["overdue"] + r["soon"] + r["later"],
        ]
        for kind, r in sorted(found.items(), key=lambda kv: -kv[1]["overdue"])
    ]
    columns = [
        _("Task"),
        _("Overdue"),
        _("Due within %(days)s days") % {"days": SOON_DAYS},
        _("Later"),
        _("Total"),
    ]
    chart = Chart(
        categories=[r[0] for r in rows],
        series={
            columns[1]: [r[1] for r in rows],
            columns[2]: [r[2] for r in rows],
            columns[3]: [r[3] for r in rows],
        },
        horizontal=True,
        value_label=_("open tasks"),
    )
    return PanelData(columns, rows, chart)


def register_panels() -> None:
    register(
        Panel(
            "assistance.services",
            gettext_lazy("Services delivered by type and month"),
            services_by_type_and_month,
            order=40,
        )
    )
    register(Panel("assistance.tasks", gettext_lazy("Assistance tasks due and overdue"), tasks_due, order=60))
