"""Writes on the screening interview, eligibility decisions, victim context and trafficking events."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.cases.domain.common import (
    apply,
    bump_version,
    lock,
    log_case,
    log_change,
    move_stage,
    require_manager,
    require_write,
    snapshot,
)
from ctm.cases.enums import DecisionState, Stage, TraffickingStatus
from ctm.cases.models import Case, EligibilityDecision, ScreeningInterview, TraffickingEvent, VictimContext
from ctm.core.errors import InvalidTransition
from ctm.core.models import Membership
from ctm.core.reads import identifying_access

SCREENING_FIELDS = [
    f.name
    for f in ScreeningInterview._meta.concrete_fields
    if f.name not in {"id", "organization", "case", "created_at", "updated_at", "version"}
]
SCREENING_SENSITIVE = ("recruiter_promises", "narrative")
CONTEXT_FIELDS = [
    f.name
    for f in VictimContext._meta.concrete_fields
    if f.name not in {"id", "organization", "case", "created_at", "updated_at", "version"}
]


def _fk_ids(values: dict[str, Any]) -> dict[str, Any]:
    return {k: getattr(v, "pk", v) for k, v in values.items()}


# The screening and the victim context compare their free text before and after a change (masked in
# the log): the change entry accounts for that read.
WRITE = "a change of the screening or the victim context, logged (masked)"


def record_screening(
    case: Case, *, by: Membership, data: dict[str, Any], version: int | None = None
) -> ScreeningInterview:
    require_write(by, case)
    with transaction.atomic(), identifying_access(WRITE):
        lock(case)  # the first screening is created once
        screening = ScreeningInterview.objects.filter(case=case).first()
        if screening is None:
            screening = ScreeningInterview(organization=case.organization, case=case, interviewer=by.user)
            old: dict[str, Any] = {}
            apply(screening, {k: v for k, v in data.items() if k in SCREENING_FIELDS})
            screening.save()
        else:
            old = snapshot(screening, SCREENING_FIELDS)
            changed = apply(screening, {k: v for k, v in data.items() if k in SCREENING_FIELDS})
            bump_version(screening, version, changed=bool(changed))
            if not changed:  # saved unchanged: no new version, no empty log entry
                return screening
            screening.save(update_fields=[*changed, "updated_at"])
        new = snapshot(screening, SCREENING_FIELDS)
        log_change("cases.screening.recorded", by, case, _fk_ids(old), _fk_ids(new), SCREENING_SENSITIVE)
    return screening


def propose_eligibility(case: Case, *, by: Membership, data: dict[str, Any]) -> EligibilityDecision:
    """Record an eligibility decision; it takes effect when a case manager approves it."""
    require_write(by, case)
    with transaction.atomic():
        decision = EligibilityDecision(organization=case.organization, case=case, proposed_by=by.user, **data)
        decision.save()
        log_case(
            "cases.eligibility.proposed",
            by,
            case,
            {"trafficking_status": [None, decision.trafficking_status]},
        )
    return decision


def review_eligibility(
    decision: EligibilityDecision, *, by: Membership, approve: bool
) -> EligibilityDecision:
    case = decision.case
    require_manager(by, case)
    with transaction.atomic():
        lock(case)  # the stage may move: the case first, then the decision
        lock(decision)
        if decision.state != DecisionState.PROPOSED:
            raise InvalidTransition(_("This decision was already reviewed."))
        decision.state = DecisionState.APPROVED if approve else DecisionState.REJECTED
        decision.reviewed_by = by.user
        decision.reviewed_at = timezone.now()
        decision.save(update_fields=["state", "reviewed_by", "reviewed_at", "updated_at"])
        changes = {"state": [DecisionState.PROPOSED, decision.state]}
        if approve:
            changes["trafficking_status"] = [case.trafficking_status or None, decision.trafficking_status]
            case.trafficking_status = decision.trafficking_status
            fields = ["trafficking_status", "updated_at"]
            if (
                case.stage == Stage.SCREENING
                and decision.trafficking_status != TraffickingStatus.NOT_A_VICTIM
            ):
                fields += move_stage(case, Stage.ASSISTANCE)
                changes["stage"] = [Stage.SCREENING, Stage.ASSISTANCE]
            case.save(update_fields=fields)
        log_case("cases.eligibility.reviewed", by, case, changes)
    return decision


def update_victim_context(
    case: Case, *, by: Membership, data: dict[str, Any], version: int | None = None
) -> VictimContext:
    require_write(by, case)
    with transaction.atomic(), identifying_access(WRITE):
        lock(case)  # the first victim context is created once
        context = VictimContext.objects.filter(case=case).first()
        if context is None:
            context = VictimContext(organization=case.organization, case=case)
            old: dict[str, Any] = {}
            apply(context, {k: v for k, v in data.items() if k in CONTEXT_FIELDS})
            context.save()
        else:
            old = snapshot(context, CONTEXT_FIELDS)
            changed = apply(context, {k: v for k, v in data.items() if k in CONTEXT_FIELDS})
            bump_version(context, version, changed=bool(changed))
            if not changed:
                return context
            context.save(update_fields=[*changed, "updated_at"])
        _summarize(case, context)
        log_change(
            "cases.victim_context.updated",
            by,
            case,
            old,
            snapshot(context, CONTEXT_FIELDS),
            ("recruitment_place",),
        )
    return context


def _summarize(case: Case, context: VictimContext) -> None:
    """Keep the list-filter summaries on the case in step with the victim context."""
    case.exploitation_types = (
        "|" + "|".join(sorted(context.exploitation_types)) + "|" if context.exploitation_types else ""
    )
    if context.exploitation_country:
        case.exploitation_country = context.exploitation_country
    case.save(update_fields=["exploitation_types", "exploitation_country"])


def add_event(case: Case, *, by: Membership, data: dict[str, Any]) -> TraffickingEvent:
    require_write(by, case)
    start, end = data.get("start_date"), data.get("end_date")
    if start and end and end < start:
        raise InvalidTransition({"end_date": _("The end date is before the start date.")})
    with transaction.atomic():
        event = TraffickingEvent(organization=case.organization, case=case, **data)
        event.save()
        log_change(
            "cases.event.added",
            by,
            case,
            {},
            {"event_type": event.event_type, "country": event.country, "place": event.place},
            ("place",),
        )
    return event


def remove_event(case: Case, event: TraffickingEvent, *, by: Membership) -> None:
    require_write(by, case)
    if event.case_id != case.pk:
        raise TraffickingEvent.DoesNotExist
    with transaction.atomic():
        old = {"event_type": event.event_type, "country": event.country}
        event.delete()
        log_change("cases.event.removed", by, case, old, {})
