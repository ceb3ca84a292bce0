"""The assistance section of the case page and its lines of the summary (next task, safety risk),
declared in the register's section registry (`ctm.cases.interfaces.sections`)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ctm.assistance.domain.queries.case_assistance import case_summary
from ctm.assistance.enums import TaskStatus
from ctm.assistance.models import Task
from ctm.cases.interfaces.sections import Fact, Section, register_section

TONES = {"high": "danger", "medium": "warn", "low": "ok"}


def _context(membership: Any, case: Any) -> dict[str, Any]:
    summary = case_summary(case)  # no free text: no read to log
    summary["next_task"] = (
        Task.objects.filter(case=case, status=TaskStatus.OPEN).order_by("due_on", "id").first()
    )
    return {"assistance": summary}


def _facts(membership: Any, case: Any, context: dict[str, Any]) -> list[Fact]:
    a = context["assistance"]
    task = a["next_task"]
    facts = []
    if task is None:
        facts.append(Fact(_("Next task"), gettext("none open")))
    else:
        overdue = task.due_on < timezone.localdate()
        text = gettext("%(task)s, due %(day)s") % {
            "task": task.get_kind_display(),
            "day": f"{task.due_on:%Y-%m-%d}",
        }
        facts.append(
            Fact(
                _("Next task"),
                text + (f" ({gettext('overdue')})" if overdue else ""),
                "danger" if overdue else "",
            )
        )
    if a["latest"] is not None:
        risk = a["latest"].safety_risk
        facts.append(
            Fact(_("Safety risk"), a["latest"].get_safety_risk_display(), TONES.get(risk, ""), "#assistance")
        )
    return facts


def register() -> None:
    register_section(
        Section(
            "assistance", _("Assistance"), "assistance/_case_panel.html", 30, context=_context, facts=_facts
        )
    )
