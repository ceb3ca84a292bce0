"""What the return and reintegration page of a case shows, read through one door that logs the free
text once; and the summary on the case page (no free text: nothing to log)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Sum, prefetch_related_objects

from ctm.core.domain.activity import record
from ctm.core.fields import open_sealed
from ctm.core.reads import identifying_access
from ctm.reintegration.models import (
    ClosureChecklist,
    Disbursement,
    DurableSolution,
    ItineraryLeg,
    MonitoringVisit,
    ReintegrationAssistance,
    ReintegrationPlan,
    TravelDocument,
)

VIEWED = "reintegration.record.viewed"


@dataclass(frozen=True)
class TrendPoint:
    visited_on: Any
    milestone: str
    economic: Decimal | None
    social: Decimal | None
    psychosocial: Decimal | None
    composite: Decimal | None
    outcome: str


REFERRAL_TEXT = ("reason", "outside_name", "emergency_reason", "decline_reason", "feedback")


def _solutions(case: Any) -> list[DurableSolution]:
    return list(
        DurableSolution.objects.filter(case=case)
        .select_related(
            "receiving_organization",
            "receiving_contact",
            "approved_by",
            "created_by",
            "referral",
            "referral__to_organization",
        )
        .defer(*(f"referral__{name}" for name in REFERRAL_TEXT))  # its free text stays behind its door
        .prefetch_related(
            Prefetch("documents", queryset=TravelDocument.objects.order_by("id")),
            Prefetch("legs", queryset=ItineraryLeg.objects.order_by("travel_on", "id")),
        )
    )


def _plans(case: Any) -> list[ReintegrationPlan]:
    assistance = ReintegrationAssistance.objects.select_related("service").annotate(paid=Sum("disbursements__amount"))
    return list(
        ReintegrationPlan.objects.filter(case=case)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("assistance", queryset=assistance.order_by("id")),
            Prefetch("assistance__disbursements", queryset=Disbursement.objects.order_by("paid_on", "id")),
        )
    )


def _visits(case: Any) -> list[MonitoringVisit]:
    return list(MonitoringVisit.objects.filter(case=case).select_related("visitor"))


def trend(visits: list[MonitoringVisit]) -> list[TrendPoint]:
    return [
        TrendPoint(v.visited_on, v.milestone, v.economic, v.social, v.psychosocial, v.composite, v.outcome)
        for v in visits
    ]


def case_summary(case: Any) -> dict[str, Any]:
    """For the case page: the latest return's state and the latest visit's scores. No free text."""
    solution = DurableSolution.objects.filter(case=case).only("kind", "status", "destination_country", "arrived_on").first()
    visit = MonitoringVisit.objects.filter(case=case).defer("notes").order_by("-visited_on", "-id").first()
    return {"solution": solution, "visit": visit}


def log_read(membership: Any, case: Any, *, purpose: str, parts: list[str]) -> None:
    """A read of the return's free text, in the log of the organization that owns the case."""
    changes: dict[str, Any] = {"purpose": purpose, "parts": parts}
    if membership.organization_id != case.organization_id:
        changes["reader_organization"] = membership.organization.code
    record(
        VIEWED,
        actor=membership.user,
        organization=case.organization,
        obj=case,
        label=case.number,
        changes=changes,
    )


def _solution_text(s: DurableSolution) -> bool:
    return bool(s.destination_place or s.escort or s.post_arrival_assistance or s.cancel_reason or s.legs.all())


def case_reintegration(membership: Any, case: Any, *, purpose: str = "reintegration page") -> dict[str, Any]:
    with identifying_access(VIEWED):  # opened here, and the read logged below
        solutions, plans, visits = _solutions(case), _plans(case), _visits(case)
    parts = {
        "solutions": any(_solution_text(s) for s in solutions),
        "plans": bool(plans),
        "visits": any(v.notes for v in visits),
    }
    if shown := [name for name, has_text in parts.items() if has_text]:
        log_read(membership, case, purpose=purpose, parts=shown)
    return {
        "solutions": solutions,
        "plans": plans,
        "visits": visits,
        "trend": trend(visits),
        "checklists": list(ClosureChecklist.objects.filter(case=case).select_related("confirmed_by")),
    }


def solutions_for_case(membership: Any, case: Any, *, purpose: str = "api") -> list[DurableSolution]:
    with identifying_access(VIEWED):
        solutions = _solutions(case)
    if any(_solution_text(s) for s in solutions):
        log_read(membership, case, purpose=purpose, parts=["solutions"])
    return solutions


def plans_for_case(membership: Any, case: Any, *, purpose: str = "api") -> list[ReintegrationPlan]:
    with identifying_access(VIEWED):
        plans = _plans(case)
    if plans:
        log_read(membership, case, purpose=purpose, parts=["plans"])
    return plans


def visits_for_case(membership: Any, case: Any, *, purpose: str = "api") -> list[MonitoringVisit]:
    with identifying_access(VIEWED):
        visits = _visits(case)
    if any(v.notes for v in visits):
        log_read(membership, case, purpose=purpose, parts=["visits"])
    return visits


def trend_for_case(case: Any) -> list[TrendPoint]:
    """Scores only (no free text): not a logged read."""
    return trend(list(MonitoringVisit.objects.filter(case=case).defer("notes")))


def reread(membership: Any, case: Any, record_: Any, *, part: str, purpose: str = "api") -> Any:
    """A record an API write returns (a return moved on, a leg, a plan, a visit): its free text (and its
    legs' and assistance's) opened, and the read logged like any other."""
    with identifying_access(VIEWED):
        if isinstance(record_, DurableSolution):
            prefetch_related_objects([record_], "legs", "documents")
            open_sealed(*record_.legs.all())
        if isinstance(record_, ReintegrationPlan):
            prefetch_related_objects([record_], "assistance")
            open_sealed(*record_.assistance.all())
        open_sealed(record_)
    log_read(membership, case, purpose=purpose, parts=[part])
    return record_
