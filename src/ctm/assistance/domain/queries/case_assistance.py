"""What the assistance page of a case shows, read through one door that logs the free text once;
and the small summary on the case page (no free text: nothing to log)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects

from ctm.assistance.enums import FACTOR_LEVEL, Factor, FactorKind, FactorLevel, PlanStatus, SafetyRisk
from ctm.assistance.models import (
    AssessmentFactor,
    AssistancePlan,
    PlanItem,
    RiskAssessment,
    ServiceRecord,
    ShelterStay,
)
from ctm.core.domain.activity import record
from ctm.core.fields import open_sealed
from ctm.core.reads import identifying_access


@dataclass(frozen=True)
class FactorChange:
    factor: str
    level: str
    before: str | None  # "risk", "protective" or None (not assessed)
    after: str | None

    @property
    def factor_label(self) -> str:
        return str(Factor(self.factor).label)

    @property
    def level_label(self) -> str:
        return str(FactorLevel(self.level).label)

    @property
    def before_label(self) -> str:
        return str(FactorKind(self.before).label) if self.before else "—"

    @property
    def after_label(self) -> str:
        return str(FactorKind(self.after).label) if self.after else "—"


@dataclass(frozen=True)
class AssessmentChanges:
    """What changed from one assessment to the next."""

    previous: RiskAssessment
    latest: RiskAssessment
    factors: list[FactorChange]

    @property
    def risk_changed(self) -> bool:
        return self.previous.safety_risk != self.latest.safety_risk

    @property
    def risk_before_label(self) -> str:
        return str(SafetyRisk(self.previous.safety_risk).label)

    @property
    def risk_after_label(self) -> str:
        return str(SafetyRisk(self.latest.safety_risk).label)


def factor_kinds(assessment: RiskAssessment) -> dict[str, str]:
    return {f.factor: f.kind for f in assessment.factors.all()}


def compare(previous: RiskAssessment, latest: RiskAssessment) -> AssessmentChanges:
    """The factors whose kind changed (a risk became protective, a factor newly assessed or no longer
    assessed), in the model's order: individual, household, community, structural."""
    before, after = factor_kinds(previous), factor_kinds(latest)
    order = list(Factor.values)
    changed = sorted((set(before) | set(after)), key=order.index)
    factors = [
        FactorChange(code, FACTOR_LEVEL[code], before.get(code), after.get(code))
        for code in changed
        if before.get(code) != after.get(code)
    ]
    return AssessmentChanges(previous, latest, factors)


def _assessments(case: Any, limit: int | None = None) -> list[RiskAssessment]:
    qs = (
        RiskAssessment.objects.filter(case=case)
        .select_related("assessor")
        .prefetch_related(Prefetch("factors", queryset=AssessmentFactor.objects.order_by("id")))
    )
    return list(qs[:limit] if limit else qs)


def latest_changes(assessments: list[RiskAssessment]) -> AssessmentChanges | None:
    """Between the last two assessments (newest first in the list); None with fewer than two."""
    return compare(assessments[1], assessments[0]) if len(assessments) > 1 else None


def case_summary(case: Any) -> dict[str, Any]:
    """For the case page: the latest risk level, what changed since the assessment before it, the
    current plan's status and the services by status. No free text."""
    assessments = list(
        RiskAssessment.objects.filter(case=case)
        .defer("notes")
        .prefetch_related(Prefetch("factors", queryset=AssessmentFactor.objects.order_by("id")))[:2]
    )
    plan = (
        AssistancePlan.objects.filter(case=case)
        .exclude(status=PlanStatus.SUPERSEDED)
        .defer("objectives")
        .first()
    )
    services = list(ServiceRecord.objects.filter(case=case).values_list("support_type", "status"))
    return {
        "latest": assessments[0] if assessments else None,
        "changes": latest_changes(assessments),
        "plan": plan,
        "services": services,
    }


def case_assistance(membership: Any, case: Any, *, purpose: str = "assistance page") -> dict[str, Any]:
    """Everything recorded on the case's assistance, and one activity-log entry naming the parts
    holding free text (`assistance.record.viewed`, in the owner's log) when any is shown."""
    with identifying_access("assistance.record.viewed"):
        assessments = _assessments(case)
        plans = _plans(case)
        services = list(
            ServiceRecord.objects.filter(case=case).select_related(
                "provider_organization", "plan_item", "recorded_by"
            )
        )
        stays = list(ShelterStay.objects.filter(case=case).select_related("shelter", "admitted_by"))
    parts = {
        "assessments": any(a.notes for a in assessments),
        "plans": bool(plans),
        "services": any(s.notes or s.provider_name for s in services),
        "stays": any(s.override_reason for s in stays),
    }
    shown = [name for name, has_text in parts.items() if has_text]
    if shown:
        log_read(membership, case, purpose=purpose, parts=shown)
    return {
        "assessments": assessments,
        "changes": latest_changes(assessments),
        "plans": plans,
        "services": services,
        "stays": stays,
    }


def log_read(membership: Any, case: Any, *, purpose: str, parts: list[str]) -> None:
    """A read of the assistance's free text, in the log of the organization that owns the case (as
    `cases.*.viewed`: the partner's read of a shared case names the partner)."""
    changes: dict[str, Any] = {"purpose": purpose, "parts": parts}
    if membership.organization_id != case.organization_id:
        changes["reader_organization"] = membership.organization.code
    record(
        "assistance.record.viewed",
        actor=membership.user,
        organization=case.organization,
        obj=case,
        label=case.number,
        changes=changes,
    )


def _plans(case: Any) -> list[AssistancePlan]:
    return list(
        AssistancePlan.objects.filter(case=case)
        .select_related("responsible", "approved_by")
        .prefetch_related(Prefetch("items", queryset=PlanItem.objects.select_related("responsible")))
    )


def assessments_for_case(membership: Any, case: Any, *, purpose: str = "api") -> list[RiskAssessment]:
    with identifying_access("assistance.record.viewed"):
        assessments = _assessments(case)
    if any(a.notes for a in assessments):
        log_read(membership, case, purpose=purpose, parts=["assessments"])
    return assessments


def plans_for_case(membership: Any, case: Any, *, purpose: str = "api") -> list[AssistancePlan]:
    with identifying_access("assistance.record.viewed"):
        plans = _plans(case)
    if plans:
        log_read(membership, case, purpose=purpose, parts=["plans"])
    return plans


def services_for_case(membership: Any, case: Any, *, purpose: str = "api") -> list[ServiceRecord]:
    with identifying_access("assistance.record.viewed"):
        services = list(ServiceRecord.objects.filter(case=case).select_related("provider_organization"))
    if any(s.notes or s.provider_name for s in services):
        log_read(membership, case, purpose=purpose, parts=["services"])
    return services


def reread(membership: Any, case: Any, record_: Any, *, part: str, purpose: str = "api") -> Any:
    """A record an API write returns (a plan approved, a service moved on): its free text (and its
    planned services') opened, and the read logged like any other."""
    with identifying_access("assistance.record.viewed"):
        if isinstance(record_, AssistancePlan):
            prefetch_related_objects([record_], "items")
            open_sealed(*record_.items.all())
        open_sealed(record_)
    log_read(membership, case, purpose=purpose, parts=[part])
    return record_
