"""Monitoring visits after arrival, scored on the sustainability of reintegration, and the weights of
the score (per organization)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.assistance.domain.work import close_open_tasks
from ctm.assistance.enums import TASK_DUE_DAYS, TaskKind
from ctm.cases.domain.cases import change_stage
from ctm.cases.enums import Stage
from ctm.core.domain.activity import record
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import Membership
from ctm.reintegration.domain.common import (
    lock_open,
    log_case,
    masked,
    not_future,
    require_write,
)
from ctm.reintegration.engine import scoring
from ctm.reintegration.enums import Milestone, Outcome, SolutionStatus
from ctm.reintegration.models import DurableSolution, MonitoringVisit, ScoringSettings
from ctm.reintegration.rules import can_set_scoring

TASK_OF = {
    Milestone.MONTH_3: TaskKind.MONITORING_3,
    Milestone.MONTH_6: TaskKind.MONITORING_6,
    Milestone.MONTH_12: TaskKind.MONITORING_12,
}


def weights_of(organization_id: int) -> scoring.Weights:
    row = ScoringSettings.objects.filter(organization_id=organization_id).first()
    return scoring.Weights.from_json(row.weights if row else None)


def record_visit(case: Any, *, by: Membership, data: dict[str, Any]) -> MonitoringVisit:
    """A visit after the person arrived: its answers scored with the organization's weights (kept on
    the visit), its outcome, and the task of its milestone done."""
    require_write(by, case)
    answers = {str(k): v for k, v in (data.get("answers") or {}).items()}
    if scoring.validate_answers(answers):
        raise InvalidTransition({"answers": _("Answer each indicator from 1 to 5.")})
    if data.get("milestone") not in Milestone.values:
        raise InvalidTransition({"milestone": _("Choose the visit.")})
    if data.get("outcome") not in Outcome.values:
        raise InvalidTransition({"outcome": _("Choose what the visit found.")})
    day = data.get("visited_on") or timezone.localdate()
    not_future("visited_on", day)
    with transaction.atomic():
        lock_open(case)
        solution = (
            DurableSolution.objects.filter(case=case, status=SolutionStatus.ARRIVED).order_by("-arrived_on").first()
        )
        if solution is None or solution.arrived_on is None:
            raise InvalidTransition(_("Monitoring visits follow an arrival: confirm the arrival first."))
        if day < solution.arrived_on:
            raise InvalidTransition({"visited_on": _("The visit cannot be before the arrival.")})
        weights = weights_of(case.organization_id)
        score = scoring.score_visit(answers, weights)
        visit = MonitoringVisit.objects.create(
            organization_id=case.organization_id,
            case=case,
            solution=solution,
            milestone=data["milestone"],
            visited_on=day,
            visitor=by.user,
            answers=answers,
            weights=weights.as_json(),
            economic=score.economic,
            social=score.social,
            psychosocial=score.psychosocial,
            composite=score.composite,
            outcome=data["outcome"],
            notes=data.get("notes", ""),
        )
        if (task_kind := TASK_OF.get(data["milestone"])) is not None:
            close_open_tasks(case, task_kind, by=by)
        log_case(
            "reintegration.visit.recorded",
            by,
            case,
            {
                "visit": [None, visit.pk],
                "milestone": [None, visit.milestone],
                "composite": [None, str(visit.composite) if visit.composite is not None else None],
                "outcome": [None, visit.outcome],
                "notes": masked(visit.notes),
            },
        )
        if case.stage != Stage.MONITORING:
            change_stage(case, by=by, stage=Stage.MONITORING)
    return visit


def set_scoring_weights(*, by: Membership, weights: scoring.Weights) -> ScoringSettings:
    """A case manager sets the organization's weights; visits already scored keep theirs."""
    if not can_set_scoring(by):
        raise NotAllowed(_("Only a case manager sets the scoring weights."))
    if errors := scoring.validate_weights(weights):
        raise InvalidTransition({field: _("Enter a weight from 0 to 100; keep one above 0 in each dimension.") for field in errors})
    with transaction.atomic():
        row = ScoringSettings.objects.select_for_update().filter(organization_id=by.organization_id).first()
        old = row.weights if row else scoring.default_weights().as_json()
        if row is None:
            try:
                with transaction.atomic():
                    row = ScoringSettings.objects.create(
                        organization_id=by.organization_id, weights=weights.as_json(), updated_by=by.user
                    )
            except IntegrityError:  # created meanwhile by another manager: theirs first, then ours
                row = ScoringSettings.objects.select_for_update().get(organization_id=by.organization_id)
        row.weights, row.updated_by, row.version = weights.as_json(), by.user, row.version + 1
        row.save(update_fields=["weights", "updated_by", "version", "updated_at"])
        log_case_free(by, {"weights": [old, row.weights]})
    return row


def log_case_free(by: Membership, changes: dict[str, Any]) -> None:
    """The organization's settings, not a case: an entry with no case."""
    record("reintegration.scoring.updated", actor=by.user, organization=by.organization, changes=changes)


def visit_days(arrived_on: datetime.date) -> dict[str, datetime.date]:
    """When each milestone's visit is due, for the page."""
    return {m: arrived_on + datetime.timedelta(days=TASK_DUE_DAYS[k]) for m, k in TASK_OF.items()}
