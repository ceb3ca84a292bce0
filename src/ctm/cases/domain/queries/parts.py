"""Reads of the parts of a case: notes, events, consents, guardians, screening, eligibility, context.

Every function takes a case already fetched through `get_case_for_user`, so the permission check
happened at that one door. Parts holding identifying free text (notes, guardians, the screening
narrative, eligibility reasons) log the read, like `view_person`, and are the only places that open
those fields (`identifying_access`): loaded anywhere else they stay sealed (`ctm.core.fields`).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

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
from ctm.core.domain.security import refuse_part
from ctm.core.reads import identifying_access


def log_identifying_read(
    membership: Any, case: Case, what: str, *, purpose: str = "case page", parts: list[str] | None = None
) -> None:
    """One activity-log entry for a read of identifying data (`cases.<what>.viewed`), in the log of
    the organization that owns the case — where its auditor sees it — also when the reader belongs
    to a partner organization the case is shared with (named in the entry)."""
    changes: dict[str, Any] = {"purpose": purpose}
    if parts:
        changes["parts"] = parts
    if membership.organization_id != case.organization_id:
        changes["reader_organization"] = membership.organization.code
    record(
        f"cases.{what}.viewed",
        actor=membership.user,
        organization=case.organization,
        obj=case,
        label=case.number,
        changes=changes,
    )


def notes_for_case(membership: Any, case: Case, *, purpose: str = "case page") -> list[Note]:
    with identifying_access("cases.notes.viewed"):
        notes = list(Note.objects.filter(case=case).select_related("author").order_by("-created_at", "-id"))
    if notes:
        log_identifying_read(membership, case, "notes", purpose=purpose)
    return notes


def guardians_for_case(membership: Any, case: Case, *, purpose: str = "case page") -> list[Guardian]:
    with identifying_access("cases.guardians.viewed"):
        guardians = list(Guardian.objects.filter(case=case).order_by("id"))
    if guardians:
        log_identifying_read(membership, case, "guardians", purpose=purpose)
    return guardians


def screening_for_case(
    membership: Any, case: Case, *, purpose: str = "case page"
) -> ScreeningInterview | None:
    with identifying_access("cases.screening.viewed"):
        screening: ScreeningInterview | None = (
            ScreeningInterview.objects.filter(case=case).select_related("interviewer").first()
        )
    if screening is not None:
        log_identifying_read(membership, case, "screening", purpose=purpose)
    return screening


def eligibility_for_case(
    membership: Any, case: Case, *, purpose: str = "case page"
) -> list[EligibilityDecision]:
    with identifying_access("cases.eligibility.viewed"):
        decisions = list(
            EligibilityDecision.objects.filter(case=case)
            .select_related("proposed_by", "reviewed_by")
            .order_by("-decided_on", "-id")
        )
    if decisions:
        log_identifying_read(membership, case, "eligibility", purpose=purpose)
    return decisions


def events_for_case(membership: Any, case: Case, *, purpose: str = "case page") -> list[TraffickingEvent]:
    """The route in date order, undated events last (the same on SQLite and PostgreSQL); a read of
    their places (identifying free text) is logged."""
    with identifying_access("cases.events.viewed"):
        events = list(
            TraffickingEvent.objects.filter(case=case).order_by(F("start_date").asc(nulls_last=True), "id")
        )
    if any(e.place for e in events):
        log_identifying_read(membership, case, "events", purpose=purpose)
    return events


def consents_for_case(case: Case) -> QuerySet[Consent]:
    return (
        Consent.objects.filter(case=case).select_related("referral_organization").order_by("-given_on", "-id")
    )


def victim_context_for_case(
    membership: Any, case: Case, *, purpose: str = "case page"
) -> VictimContext | None:
    """The victim context; a read of its place of recruitment (identifying free text) is logged."""
    with identifying_access("cases.victim_context.viewed"):
        context: VictimContext | None = VictimContext.objects.filter(case=case).first()
    if context is not None and context.recruitment_place:
        log_identifying_read(membership, case, "victim_context", purpose=purpose)
    return context


def _part(model: Any, case: Case, pk: int, **case_link: Any) -> Any:
    case_link = case_link or {"case": case}
    obj = model.objects.filter(pk=pk, **case_link).first()
    if obj is None:
        refuse_part(case, pk)
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
    """A document to remove: its number is not read (an identity's values come from view_person)."""
    document = IdentityDocument.objects.defer("number").filter(pk=pk, person_id=case.person_id).first()
    if document is None:
        refuse_part(case, pk)
    return document
