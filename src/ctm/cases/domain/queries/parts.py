"""Reads of the parts of a case: notes, events, consents, guardians, screening, eligibility, context.

Every function takes a case already fetched through `get_case_for_user`, so the permission check
happened at that one door. Parts holding identifying free text (notes, guardians, the screening
narrative, eligibility reasons) log the read, like `view_person`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet
from django.http import Http404

from ctm.cases.models import (
    Case,
    Consent,
    EligibilityDecision,
    Guardian,
    IdentityDocument,
    Note,
    ScreeningInterview,
    TraffickingEvent,
    VictimContext,
)
from ctm.core.domain.activity import record


def log_identifying_read(membership: Any, case: Case, what: str, *, purpose: str = "case page") -> None:
    """One activity-log entry for a read of identifying data (`cases.<what>.viewed`)."""
    record(
        f"cases.{what}.viewed",
        actor=membership.user,
        organization=membership.organization,
        obj=case,
        label=case.number,
        changes={"purpose": purpose},
    )


def notes_for_case(membership: Any, case: Case, *, purpose: str = "case page") -> list[Note]:
    notes = list(Note.objects.filter(case=case).select_related("author").order_by("-created_at", "-id"))
    log_identifying_read(membership, case, "notes", purpose=purpose)
    return notes


def guardians_for_case(membership: Any, case: Case, *, purpose: str = "case page") -> list[Guardian]:
    guardians = list(Guardian.objects.filter(case=case).order_by("id"))
    log_identifying_read(membership, case, "guardians", purpose=purpose)
    return guardians


def screening_for_case(
    membership: Any, case: Case, *, purpose: str = "case page"
) -> ScreeningInterview | None:
    screening: ScreeningInterview | None = (
        ScreeningInterview.objects.filter(case=case).select_related("interviewer").first()
    )
    if screening is not None:
        log_identifying_read(membership, case, "screening", purpose=purpose)
    return screening


def eligibility_for_case(
    membership: Any, case: Case, *, purpose: str = "case page"
) -> list[EligibilityDecision]:
    decisions = list(
        EligibilityDecision.objects.filter(case=case)
        .select_related("proposed_by", "reviewed_by")
        .order_by("-decided_on", "-id")
    )
    if decisions:
        log_identifying_read(membership, case, "eligibility", purpose=purpose)
    return decisions


def documents_for_person(case: Case) -> QuerySet[IdentityDocument]:
    return IdentityDocument.objects.filter(person_id=case.person_id).order_by("id")


def events_for_case(case: Case) -> QuerySet[TraffickingEvent]:
    """The route in date order; undated events last (the same on SQLite and PostgreSQL)."""
    return TraffickingEvent.objects.filter(case=case).order_by(F("start_date").asc(nulls_last=True), "id")


def consents_for_case(case: Case) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(case=case)
        .select_related("referral_organization")
        .order_by("-given_on", "-id")
    )


def victim_context_for_case(case: Case) -> VictimContext | None:
    context: VictimContext | None = VictimContext.objects.filter(case=case).first()
    return context


def _part(model: Any, case: Case, pk: int, **case_link: Any) -> Any:
    case_link = case_link or {"case": case}
    obj = model.objects.filter(pk=pk, **case_link).first()
    if obj is None:
        raise Http404("No such record")
    if "case" in case_link:
        obj.case = case  # already fetched through the one door
    return obj


def get_event(case: Case, pk: int) -> TraffickingEvent:
    return _part(TraffickingEvent, case, pk)  # type: ignore[no-any-return]


def get_consent(case: Case, pk: int) -> Consent:
    return _part(Consent, case, pk)  # type: ignore[no-any-return]


def get_guardian(case: Case, pk: int) -> Guardian:
    return _part(Guardian, case, pk)  # type: ignore[no-any-return]


def get_decision(case: Case, pk: int) -> EligibilityDecision:
    return _part(EligibilityDecision, case, pk)  # type: ignore[no-any-return]


def get_document(case: Case, pk: int) -> IdentityDocument:
    return _part(IdentityDocument, case, pk, person_id=case.person_id)  # type: ignore[no-any-return]
