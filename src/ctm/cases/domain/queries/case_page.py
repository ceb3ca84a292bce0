"""What the case page shows, read through one door that logs it once."""

from __future__ import annotations

from typing import Any

from ctm.cases.domain.queries.parts import log_identifying_read
from ctm.cases.domain.queries.scoping import attachments_readable
from ctm.cases.models import (
    Attachment,
    BestInterestsAssessment,
    Case,
    Consent,
    EligibilityDecision,
    Guardian,
    Note,
    Person,
    ScreeningInterview,
    TraffickingEvent,
    VictimContext,
)
from ctm.core.reads import identifying_access

# The parts of the page that hold identifying data (free text, places, names, files): the log entry
# names those the page showed.
IDENTIFYING_PARTS = (
    "screening",
    "decisions",
    "events",
    "context",
    "guardians",
    "assessments",
    "notes",
    "attachments",
)


def case_page(membership: Any, case: Case) -> dict[str, Any]:
    """The person (with documents) and every part of the case, and one activity-log entry
    (`cases.person.viewed`, purpose "case page") naming the identifying parts shown."""
    with identifying_access("cases.person.viewed"):
        person = Person.objects.prefetch_related("documents").get(pk=case.person_id)
    case.person = person
    parts: dict[str, Any] = {
        "screening": ScreeningInterview.objects.filter(case=case).select_related("interviewer").first(),
        "context": VictimContext.objects.filter(case=case).first(),
        "decisions": list(
            EligibilityDecision.objects.filter(case=case).select_related("proposed_by", "reviewed_by")
        ),
        "events": list(TraffickingEvent.objects.filter(case=case)),
        "consents": list(
            Consent.objects.filter(case=case).select_related("referral_organization", "recorded_by")
        ),
        "guardians": list(Guardian.objects.filter(case=case)),
        "assessments": list(BestInterestsAssessment.objects.filter(case=case).select_related("assessor")),
        "notes": list(Note.objects.filter(case=case).select_related("author")[:100]),
        "attachments": _attachments(membership, case),
    }
    shown = ["person", *(name for name in IDENTIFYING_PARTS if parts[name])]
    if case.closure_note:
        shown.append("closure note")
    log_identifying_read(membership, case, "person", purpose="case page", parts=shown)
    return {
        "person": person,
        "documents": list(person.documents.all()),
        "attachments_shared": attachments_readable(membership, case),
        **parts,
    }


def _attachments(membership: Any, case: Case) -> list[Attachment]:
    """The case's files (their names are identifying too): none for a partner they were not shared with."""
    if not attachments_readable(membership, case):
        return []
    return list(Attachment.objects.filter(case=case).defer("blob").select_related("uploaded_by"))
