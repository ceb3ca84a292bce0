"""What a referral's page shows: its free text (a logged read), and for the receiving organization
the shared parts of the case — only those, only after accepting, only while the consent holds. Every
read of identifying data is logged in the owning organization's log, naming the reader's
organization (`log_identifying_read`), where its auditor sees it."""

from __future__ import annotations

from typing import Any

from ctm.cases.domain.queries.cases import view_person
from ctm.cases.domain.queries.parts import (
    eligibility_for_case,
    events_for_case,
    guardians_for_case,
    log_identifying_read,
    screening_for_case,
    victim_context_for_case,
)
from ctm.core.reads import identifying_access
from ctm.referrals.domain.queries.access import shared_parts_readable
from ctm.referrals.enums import RecordPart
from ctm.referrals.models import Referral

IDENTITY_FIELDS = (
    "given_name",
    "family_name",
    "other_names",
    "gender",
    "birth_date",
    "citizenships",
    "languages",
)
CONTACT_FIELDS = ("contacts", "address")


def referral_texts(membership: Any, referral: Referral) -> dict[str, str]:
    """The referral's free text (reason, answer, feedback, override reason, an outside recipient's
    name), and one `referrals.referral.viewed` entry in the owner's log when there is any."""
    with identifying_access("cases.referral.viewed"):  # opened here; the read is logged below
        texts = {
            "reason": referral.reason,
            "decline_reason": referral.decline_reason,
            "feedback": referral.feedback,
            "emergency_reason": referral.emergency_reason,
            "outside_name": referral.outside_name,
        }
    shown = [name for name, value in texts.items() if value]
    if shown:
        log_identifying_read(
            membership, referral.case, "referral", purpose=f"referral {referral.pk}", parts=shown
        )
    return texts


def shared_record(membership: Any, referral: Referral) -> dict[str, Any] | None:
    """The shared parts for the receiving organization (None when it may not read them now)."""
    if not shared_parts_readable(membership, referral):
        return None
    case, parts, purpose = referral.case, set(referral.part_list), f"referral {referral.pk}"
    out: dict[str, Any] = {"parts": [p for p in RecordPart.values if p in parts]}
    if parts & {RecordPart.IDENTITY, RecordPart.CONTACTS, RecordPart.DOCUMENTS}:
        person = view_person(membership, case, purpose=purpose)
        fields = (IDENTITY_FIELDS if RecordPart.IDENTITY in parts else ()) + (
            CONTACT_FIELDS if RecordPart.CONTACTS in parts else ()
        )
        out["person"] = {name: getattr(person, name) for name in fields}
        if RecordPart.IDENTITY in parts:
            out["person"]["gender_display"] = person.get_gender_display()
        if RecordPart.DOCUMENTS in parts:
            out["documents"] = list(person.documents.all())
    if RecordPart.SCREENING in parts:
        out["screening"] = screening_for_case(membership, case, purpose=purpose)
    if RecordPart.ELIGIBILITY in parts:
        out["decisions"] = eligibility_for_case(membership, case, purpose=purpose)
    if RecordPart.CONTEXT in parts:
        out["context"] = victim_context_for_case(membership, case, purpose=purpose)
    if RecordPart.EVENTS in parts:
        out["events"] = events_for_case(membership, case, purpose=purpose)
    if RecordPart.GUARDIANS in parts:
        out["guardians"] = guardians_for_case(membership, case, purpose=purpose)
    return out
