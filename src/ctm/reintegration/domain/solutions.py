"""Durable solutions: a voluntary return (or local integration, or resettlement) planned, checked,
approved, travelled and received. Nobody leaves without their informed consent; a minor does not
leave without a best-interests determination and a case manager's approval."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.assistance.domain.work import close_open_tasks, raise_task
from ctm.assistance.enums import TaskKind
from ctm.cases.domain.cases import change_stage
from ctm.cases.domain.queries.consent import active_consents
from ctm.cases.enums import ConsentGiver, Stage
from ctm.cases.models import BestInterestsAssessment, Consent
from ctm.core.enums import Role
from ctm.core.errors import InvalidTransition
from ctm.core.fields import holds_value
from ctm.core.models import Membership
from ctm.reintegration.domain.common import (
    lock,
    lock_open,
    log_case,
    masked,
    not_future,
    require_country,
    require_manager,
    require_open,
    require_write,
)
from ctm.reintegration.enums import (
    REQUIRED_CONSENT,
    TRAVELS,
    DocumentStatus,
    FitToTravel,
    SolutionKind,
    SolutionStatus,
    TravelDocumentKind,
    TravelMode,
)
from ctm.reintegration.models import DurableSolution, ItineraryLeg, TravelDocument

MONITORING = (TaskKind.MONITORING_3, TaskKind.MONITORING_6, TaskKind.MONITORING_12)
TEXT_FIELDS = ("destination_place", "escort", "post_arrival_assistance")


def informed_consent(case: Any, kind: str, on: datetime.date | None = None) -> Consent | None:
    """The consent that allows this kind of solution on `on`: of the right scope (REQUIRED_CONSENT),
    given and not withdrawn by then, the person told its purpose, and for a minor given with a guardian."""
    consents = [c for c in active_consents(case, REQUIRED_CONSENT[kind], on) if c.told_purpose]
    if case.is_minor:
        consents = [c for c in consents if c.given_by == ConsentGiver.WITH_GUARDIAN]
    return consents[0] if consents else None


def _require_consent(case: Any, kind: str, on: datetime.date | None = None) -> Consent:
    consent = informed_consent(case, kind, on)
    if consent is None:
        raise InvalidTransition(
            _("No valid informed consent of the person to this move: record it under Consent first.")
        )
    return consent


def _clean(case: Any, data: dict[str, Any]) -> dict[str, Any]:
    if data.get("kind") not in SolutionKind.values:
        raise InvalidTransition({"kind": _("Choose a kind of solution.")})
    require_country("destination_country", data.get("destination_country"))
    org, contact = data.get("receiving_organization"), data.get("receiving_contact")
    if org is not None and org.pk == case.organization_id:
        raise InvalidTransition({"receiving_organization": _("Choose another organization than your own.")})
    if org is not None and contact is not None:
        raise InvalidTransition({"receiving_contact": _("Choose a CTM organization or a directory entry, not both.")})
    if data.get("escort_required") and not data.get("escort", "").strip():
        raise InvalidTransition({"escort": _("Say who escorts the person.")})
    return {
        "kind": data["kind"],
        "destination_country": data["destination_country"],
        "destination_place": data.get("destination_place", ""),
        "escort_required": bool(data.get("escort_required")),
        "escort": data.get("escort", ""),
        "receiving_organization": org,
        "receiving_contact": contact,
        "post_arrival_assistance": data.get("post_arrival_assistance", ""),
    }


def plan_solution(case: Any, *, by: Membership, data: dict[str, Any]) -> DurableSolution:
    """A planned return (or integration, resettlement); its case managers are asked to approve it."""
    require_write(by, case)
    fields = _clean(case, data)
    with transaction.atomic():
        lock_open(case)
        if DurableSolution.objects.filter(
            case=case, status__in=[SolutionStatus.PLANNED, SolutionStatus.APPROVED, SolutionStatus.DEPARTED]
        ).exists():
            raise InvalidTransition(_("A return is already under way: cancel it before planning another."))
        solution = DurableSolution.objects.create(
            organization_id=case.organization_id, case=case, created_by=by.user, **fields
        )
        task = raise_task(case, kind=TaskKind.RETURN_APPROVAL, on=timezone.localdate(), role=Role.CASE_MANAGER)
        log_case(
            "reintegration.solution.planned",
            by,
            case,
            {
                "solution": [None, solution.pk],
                "kind": [None, solution.kind],
                "destination_country": [None, solution.destination_country],
                **{f: masked(fields[f]) for f in TEXT_FIELDS if fields[f]},
                "task": [None, task.kind],
            },
        )
    return solution


def _open(solution: DurableSolution, *states: str) -> None:
    """On the locked solution."""
    if solution.status not in states:
        raise InvalidTransition(_("This return can no longer be changed in this way."))


def record_fit_to_travel(
    solution: DurableSolution, *, by: Membership, result: str, on: datetime.date | None = None
) -> DurableSolution:
    require_write(by, solution.case)
    if result not in FitToTravel.values:
        raise InvalidTransition({"result": _("Choose the result of the check.")})
    day = on or timezone.localdate()
    not_future("on", day)
    with transaction.atomic():
        lock_open(solution.case)
        lock(solution)
        _open(solution, SolutionStatus.PLANNED, SolutionStatus.APPROVED)
        old = solution.fit_to_travel or None
        solution.fit_to_travel, solution.fit_checked_on = result, day
        solution.save(update_fields=["fit_to_travel", "fit_checked_on", "updated_at"])
        log_case("reintegration.solution.fit_checked", by, solution.case, {"fit_to_travel": [old, result]})
    return solution


def add_travel_document(
    solution: DurableSolution, *, by: Membership, kind: str, status: str = DocumentStatus.PENDING
) -> TravelDocument:
    require_write(by, solution.case)
    if kind not in TravelDocumentKind.values:
        raise InvalidTransition({"kind": _("Choose a document.")})
    if status not in DocumentStatus.values:
        raise InvalidTransition({"status": _("Choose a status.")})
    with transaction.atomic():
        lock_open(solution.case)
        lock(solution)
        _open(solution, SolutionStatus.PLANNED, SolutionStatus.APPROVED)
        doc = TravelDocument.objects.create(
            organization_id=solution.organization_id,
            solution=solution,
            kind=kind,
            status=status,
            obtained_on=timezone.localdate() if status == DocumentStatus.OBTAINED else None,
        )
        log_case(
            "reintegration.travel_document.added",
            by,
            solution.case,
            {"solution": [None, solution.pk], "document": [None, kind], "status": [None, status]},
        )
    return doc


def document_obtained(doc: TravelDocument, *, by: Membership, on: datetime.date | None = None) -> TravelDocument:
    case = doc.solution.case
    require_write(by, case)
    day = on or timezone.localdate()
    not_future("on", day)
    with transaction.atomic():
        lock_open(case)
        lock(doc)
        if doc.status == DocumentStatus.OBTAINED:
            raise InvalidTransition(_("This document is already obtained."))
        doc.status, doc.obtained_on = DocumentStatus.OBTAINED, day
        doc.save(update_fields=["status", "obtained_on", "updated_at"])
        log_case(
            "reintegration.travel_document.obtained",
            by,
            case,
            {"document": [None, doc.kind], "status": [DocumentStatus.PENDING, DocumentStatus.OBTAINED]},
        )
    return doc


def add_leg(solution: DurableSolution, *, by: Membership, data: dict[str, Any]) -> ItineraryLeg:
    require_write(by, solution.case)
    errors = {}
    if solution.kind not in TRAVELS:
        errors["mode"] = _("Local integration has no journey.")
    if data.get("mode") not in TravelMode.values:
        errors["mode"] = _("Choose how the person travels.")
    for field in ("origin", "destination"):
        if not str(data.get(field, "")).strip():
            errors[field] = _("This field is required.")
    if not isinstance(data.get("travel_on"), datetime.date):
        errors["travel_on"] = _("Enter a date.")
    if errors:
        raise InvalidTransition(errors)
    with transaction.atomic():
        lock_open(solution.case)
        lock(solution)
        _open(solution, SolutionStatus.PLANNED, SolutionStatus.APPROVED)
        leg = ItineraryLeg.objects.create(
            organization_id=solution.organization_id,
            solution=solution,
            travel_on=data["travel_on"],
            mode=data["mode"],
            origin=data["origin"],
            destination=data["destination"],
        )
        log_case(
            "reintegration.itinerary.leg_added",
            by,
            solution.case,
            {"solution": [None, solution.pk], "mode": [None, leg.mode], "travel_on": [None, leg.travel_on.isoformat()]},
        )
    return leg


def _best_interests(case: Any) -> BestInterestsAssessment | None:
    return BestInterestsAssessment.objects.filter(case=case, assessed_on__lte=timezone.localdate()).first()


def approve_solution(solution: DurableSolution, *, by: Membership) -> DurableSolution:
    """A case manager approves the planned solution, which needs the person's informed consent and,
    for a minor, a best-interests determination on record."""
    case = solution.case
    require_manager(by, case)
    with transaction.atomic():
        lock(case)  # the same order as withdraw_consent: the case, then the rest
        lock(solution)
        require_open(case)
        _open(solution, SolutionStatus.PLANNED)
        consent = _require_consent(case, solution.kind)
        bia = _best_interests(case)
        if case.is_minor and bia is None:
            raise InvalidTransition(
                _("A minor's return needs a best-interests determination: record it on the case first.")
            )
        solution.status, solution.approved_by, solution.approved_at = SolutionStatus.APPROVED, by.user, timezone.now()
        solution.consent, solution.best_interests = consent, bia if case.is_minor else None
        solution.save(update_fields=["status", "approved_by", "approved_at", "consent", "best_interests", "updated_at"])
        close_open_tasks(case, TaskKind.RETURN_APPROVAL, by=by)
        log_case(
            "reintegration.solution.approved",
            by,
            case,
            {
                "solution": [None, solution.pk],
                "status": [SolutionStatus.PLANNED, SolutionStatus.APPROVED],
                "consent": [None, consent.pk],
                "best_interests": [None, bia.pk if bia and case.is_minor else None],
            },
        )
        if solution.kind in TRAVELS and case.stage != Stage.RETURN:
            change_stage(case, by=by, stage=Stage.RETURN)
    return solution


def confirm_departure(
    solution: DurableSolution, *, by: Membership, on: datetime.date | None = None
) -> DurableSolution:
    """The person left: approved, fit to travel, documents in hand, escorted when needed, and their
    consent still valid on the day (a withdrawal after the approval stops the journey)."""
    case = solution.case
    require_write(by, case)
    day = on or timezone.localdate()
    not_future("on", day)
    with transaction.atomic():
        lock(case)
        lock(solution)
        require_open(case)
        if solution.kind not in TRAVELS:
            raise InvalidTransition(_("Local integration has no departure: confirm the settlement."))
        _open(solution, SolutionStatus.APPROVED)
        _require_consent(case, solution.kind, day)
        if solution.fit_to_travel not in (FitToTravel.FIT, FitToTravel.FIT_WITH_ESCORT):
            raise InvalidTransition(_("Record a fit-to-travel check that found the person fit to travel."))
        if solution.fit_to_travel == FitToTravel.FIT_WITH_ESCORT and not holds_value(solution, "escort"):
            raise InvalidTransition(_("The person travels with an escort: record who escorts them."))
        if solution.documents.filter(status=DocumentStatus.PENDING).exists():
            raise InvalidTransition(_("A travel document is still pending."))
        if not solution.legs.exists():
            raise InvalidTransition(_("Add the itinerary first."))
        solution.status, solution.departed_on = SolutionStatus.DEPARTED, day
        solution.save(update_fields=["status", "departed_on", "updated_at"])
        log_case(
            "reintegration.solution.departed",
            by,
            case,
            {"status": [SolutionStatus.APPROVED, SolutionStatus.DEPARTED], "departed_on": [None, day.isoformat()]},
        )
    return solution


def confirm_arrival(
    solution: DurableSolution, *, by: Membership, on: datetime.date | None = None
) -> DurableSolution:
    """The person arrived (or, for local integration, settled): monitoring visits at 3, 6 and 12
    months become tasks for the case's owner, and the case moves on to reintegration."""
    case = solution.case
    require_write(by, case)
    day = on or timezone.localdate()
    not_future("on", day)
    with transaction.atomic():
        lock(case)
        lock(solution)
        require_open(case)
        before = SolutionStatus.DEPARTED if solution.kind in TRAVELS else SolutionStatus.APPROVED
        _open(solution, before)
        if solution.departed_on and day < solution.departed_on:
            raise InvalidTransition({"on": _("The arrival cannot be before the departure.")})
        solution.status, solution.arrived_on, solution.arrival_confirmed_by = SolutionStatus.ARRIVED, day, by.user
        solution.save(update_fields=["status", "arrived_on", "arrival_confirmed_by", "updated_at"])
        tasks = [raise_task(case, kind=kind, on=day, assignee=case.owner) for kind in MONITORING]
        log_case(
            "reintegration.solution.arrived",
            by,
            case,
            {
                "status": [before, SolutionStatus.ARRIVED],
                "arrived_on": [None, day.isoformat()],
                "tasks": [None, [t.kind for t in tasks]],
            },
        )
        if case.stage != Stage.REINTEGRATION:
            change_stage(case, by=by, stage=Stage.REINTEGRATION)
    return solution


def cancel_solution(solution: DurableSolution, *, by: Membership, reason: str) -> DurableSolution:
    """The person changed their mind, or the return is no longer safe: stopped before arrival."""
    case = solution.case
    require_write(by, case)
    if not reason.strip():
        raise InvalidTransition({"reason": _("Say why the return is cancelled.")})
    with transaction.atomic():
        lock(solution)
        _open(solution, SolutionStatus.PLANNED, SolutionStatus.APPROVED, SolutionStatus.DEPARTED)
        old = solution.status
        solution.status, solution.cancel_reason = SolutionStatus.CANCELLED, reason
        solution.save(update_fields=["status", "cancel_reason", "updated_at"])
        close_open_tasks(case, TaskKind.RETURN_APPROVAL, by=by)
        log_case(
            "reintegration.solution.cancelled",
            by,
            case,
            {"status": [old, SolutionStatus.CANCELLED], "reason": masked(reason)},
        )
    return solution
