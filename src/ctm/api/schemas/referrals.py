"""Schemas of referrals and transfers between organizations."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from ctm.api.schemas.common import (
    DirectoryRef,
    Id,
    In,
    OrganizationRef,
    RequiredText200,
    Text2000,
    Unique,
    integer,
)
from ctm.assistance.enums import SupportType
from ctm.cases.enums import Gender
from ctm.referrals.enums import (
    MAX_ANSWER_DAYS,
    RecipientKind,
    RecordPart,
    ReferralKind,
    ReferralState,
    Urgency,
)

RequiredText5000 = Annotated[str, Field(min_length=1, max_length=5000)]


class ReferralIn(In):
    kind: ReferralKind = ReferralKind.REFERRAL
    recipient_kind: RecipientKind
    to_organization: Id | None = Field(
        None, description="recipient_kind=organization: an organization in CTM"
    )
    directory_ref: DirectoryRef = Field(
        "", description="recipient_kind=directory: a contact-directory entry (s12, p3)"
    )
    outside_name: RequiredText200 | None = Field(
        None, description="recipient_kind=other: free text, last resort"
    )
    reason: RequiredText5000
    services: Annotated[list[SupportType], Unique] = Field(default_factory=list, max_length=20)
    parts: Annotated[list[RecordPart], Unique] = Field(
        default_factory=list,
        max_length=20,
        description="The field groups the receiver sees (a transfer: all)",
    )
    urgency: Urgency = Urgency.ROUTINE
    emergency_reason: Text2000 = Field(
        "",
        description="Case managers, life-threatening emergency only: why no valid referral consent is needed",
    )


class ReferralDeclineIn(In):
    reason: RequiredText5000


class ReferralDeliveryIn(In):
    services: Annotated[list[SupportType], Unique] = Field(min_length=1, max_length=20)


class ReferralCloseIn(In):
    feedback: RequiredText5000


class ReferralSettingsIn(In):
    answer_days: integer(1, MAX_ANSWER_DAYS)  # type: ignore[valid-type]


class ReferralSettingsOut(Schema):
    answer_days: int


def _unpacked(value: str) -> list[str]:
    return [v for v in value.split("|") if v]


class ReferralOut(Schema):
    """A referral without its free text (the inbox's lists)."""

    id: int
    case: str = Field(description="The case number")
    kind: ReferralKind
    state: ReferralState
    urgency: Urgency
    from_organization: OrganizationRef
    to_organization: OrganizationRef | None
    recipient_kind: RecipientKind
    directory_ref: str
    contact: dict[str, Any] = Field(description="The directory contact as it was when sent")
    services: list[SupportType]
    parts: list[RecordPart]
    delivered_services: list[SupportType]
    sent_at: datetime.datetime
    answer_due_on: datetime.date
    overdue: bool
    answered_at: datetime.datetime | None
    delivered_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    withdrawn_at: datetime.datetime | None
    consent_override: bool = Field(description="Sent without a consent, for a life-threatening emergency")
    received_case: str | None = Field(
        description="A transfer: the receiving organization's case (its own side only)"
    )

    @staticmethod
    def resolve_case(obj: Any) -> str:
        return str(obj.case.number)

    @staticmethod
    def resolve_from_organization(obj: Any) -> Any:
        return obj.organization

    @staticmethod
    def resolve_services(obj: Any) -> list[str]:
        return _unpacked(obj.services)

    @staticmethod
    def resolve_parts(obj: Any) -> list[str]:
        return _unpacked(obj.parts)

    @staticmethod
    def resolve_delivered_services(obj: Any) -> list[str]:
        return _unpacked(obj.delivered_services)

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return bool(getattr(obj, "overdue", False))

    @staticmethod
    def resolve_consent_override(obj: Any) -> bool:
        return bool(obj.overridden)

    @staticmethod
    def resolve_received_case(obj: Any) -> str | None:
        viewer = getattr(obj, "viewer_organization_id", None)
        if obj.received_case_id is None or viewer != obj.to_organization_id:
            return None
        return str(obj.received_case.number)


class ReferralDetailOut(ReferralOut):
    """With the free text (a logged read)."""

    reason: str
    decline_reason: str
    feedback: str
    emergency_reason: str = Field(description="Shown to the sending organization only")
    outside_name: str


class PersonPartOut(Schema):
    given_name: str | None = None
    family_name: str | None = None
    other_names: list[str] | None = None
    gender: Gender | None = None
    birth_date: datetime.date | None = None
    citizenships: list[str] | None = None
    languages: list[str] | None = None
    contacts: list[Any] | None = None
    address: str | None = None


class DocumentPartOut(Schema):
    kind: str
    number: str
    issuing_country: str
    expiry_date: datetime.date | None


class EventPartOut(Schema):
    event_type: str
    country: str
    place: str
    start_date: datetime.date | None
    end_date: datetime.date | None


class DecisionPartOut(Schema):
    trafficking_status: str
    decision_body: str
    decided_on: datetime.date
    state: str


class GuardianPartOut(Schema):
    name: str
    relationship: str


class ScreeningPartOut(Schema):
    interview_date: datetime.date
    place: str
    recruiter_promises: str
    narrative: str


class ContextPartOut(Schema):
    recruitment_place: str
    relationship_to_trafficker: str


class SharedRecordOut(Schema):
    """The parts of the record the referral shares, nothing else (absent parts are null)."""

    parts: list[RecordPart]
    person: PersonPartOut | None = None
    documents: list[DocumentPartOut] | None = None
    screening: ScreeningPartOut | None = None
    decisions: list[DecisionPartOut] | None = None
    context: ContextPartOut | None = None
    events: list[EventPartOut] | None = None
    guardians: list[GuardianPartOut] | None = None
