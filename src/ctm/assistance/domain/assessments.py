"""Vulnerability and risk assessments: recorded, never edited (the next one measures the change)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.assistance.domain.common import (
    lock_open,
    log_case,
    masked,
    not_future,
    require_write,
)
from ctm.assistance.domain.work import raise_task
from ctm.assistance.enums import FACTOR_LEVEL, Factor, FactorKind, SafetyRisk, TaskKind
from ctm.assistance.models import AssessmentFactor, RiskAssessment
from ctm.core.enums import Role
from ctm.core.errors import InvalidTransition
from ctm.core.models import Membership


def _check(safety_risk: str, factors: dict[str, str]) -> None:
    errors: dict[str, Any] = {}
    if safety_risk not in SafetyRisk.values:
        errors["safety_risk"] = _("Choose the safety risk level.")
    unknown = sorted(k for k, v in factors.items() if k not in Factor.values or v not in FactorKind.values)
    if unknown:
        errors["factors"] = _("Unknown factors or kinds: %(names)s.") % {"names": ", ".join(unknown)}
    if errors:
        raise InvalidTransition(errors)


def record_assessment(
    case: Any,
    *,
    by: Membership,
    safety_risk: str,
    factors: dict[str, str],
    assessed_on: datetime.date | None = None,
    notes: str = "",
) -> RiskAssessment:
    """A new assessment of the case. A high safety risk flags the case "high risk" and raises a
    follow-up task for the organization's case managers (one entry names all three)."""
    require_write(by, case)
    _check(safety_risk, factors)
    day = assessed_on or timezone.localdate()
    not_future("assessed_on", day)
    with transaction.atomic():
        lock_open(case)
        previous = RiskAssessment.objects.filter(case=case).values_list("safety_risk", flat=True).first()
        assessment = RiskAssessment.objects.create(
            organization_id=case.organization_id,
            case=case,
            assessed_on=day,
            assessor=by.user,
            safety_risk=safety_risk,
            notes=notes,
        )
        AssessmentFactor.objects.bulk_create(
            AssessmentFactor(
                organization_id=case.organization_id,
                assessment=assessment,
                factor=code,
                level=FACTOR_LEVEL[code],
                kind=kind,
            )
            for code, kind in sorted(factors.items())
        )
        changes: dict[str, Any] = {
            "safety_risk": [previous, safety_risk],
            "risk_factors": [None, sum(1 for k in factors.values() if k == FactorKind.RISK)],
            "protective_factors": [None, sum(1 for k in factors.values() if k == FactorKind.PROTECTIVE)],
        }
        if notes:
            changes["notes"] = masked(notes)
        if safety_risk == SafetyRisk.HIGH:
            changes.update(_flag_high_risk(case, day))
        log_case("assistance.assessment.recorded", by, case, changes)
    return assessment


def _flag_high_risk(case: Any, day: datetime.date) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if not case.high_risk:
        case.high_risk = True
        case.save(update_fields=["high_risk", "updated_at"])
        changes["high_risk"] = [False, True]
    task = raise_task(case, kind=TaskKind.HIGH_RISK_FOLLOW_UP, on=day, role=Role.CASE_MANAGER)
    changes["task"] = [None, task.kind]
    return changes
