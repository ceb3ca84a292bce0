"""Schemas of the parts of a case: victim context, events, consents, guardians, notes, screening."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from ctm.api.schemas.common import (
    Bool,
    Country,
    DirectoryRef,
    Id,
    In,
    Language,
    Money,
    OrganizationRef,
    PastDate,
    RequiredText100,
    RequiredText200,
    RequiredText20000,
    Text200,
    Text500,
    Text5000,
    Text20000,
    Unique,
    UserRef,
    blank,
    integer,
)
from ctm.cases.enums import (
    ConsentGiver,
    ConsentScope,
    DecisionBody,
    DecisionState,
    EventType,
    ExitMethod,
    ExploitationType,
    Industry,
    MeansOfControl,
    RecruitmentMethod,
    Relationship,
    SexExploitationType,
    TraffickingStatus,
)
from ctm.cases.models.screening import Payment, TravelDocuments

Age = integer(0, 120)
Months = integer(0, 1200)
Version = integer(0, 2**31, description="The version read; 0 when none was recorded yet")

# --- victim context ------------------------------------------------------------------------------

CONTEXT_BLANKABLE = (
    "recruitment_method",
    "recruitment_country",
    "relationship_to_trafficker",
    "forced_labour_industry",
    "exploitation_country",
)


class VictimContextIn(In):
    version: Version
    age_when_trafficked: Age | None = None
    recruitment_method: RecruitmentMethod | None = None
    recruitment_country: Country | None = None
    recruitment_place: Text500 = ""
    relationship_to_trafficker: Relationship | None = None
    means_of_control: Annotated[list[MeansOfControl], Unique] = []
    exploitation_types: Annotated[list[ExploitationType], Unique] = []
    forced_labour_industry: Industry | None = None
    sex_exploitation_types: Annotated[list[SexExploitationType], Unique] = []
    exploitation_country: Country | None = None
    recruitment_websites: Annotated[list[RequiredText200], Field(max_length=20), Unique] = []
    exploitation_websites: Annotated[list[RequiredText200], Field(max_length=20), Unique] = []

    def domain_data(self) -> dict[str, Any]:
        data = self.model_dump(exclude={"version"})
        return {k: ("" if k in CONTEXT_BLANKABLE and v is None else v) for k, v in data.items()}


class VictimContextOut(Schema):
    version: int
    age_when_trafficked: int | None = None
    majority_when_trafficked: str | None = None
    recruitment_method: str | None = None
    recruitment_country: str | None = None
    recruitment_place: str = ""
    relationship_to_trafficker: str | None = None
    means_of_control: list[str] = []
    exploitation_types: list[str] = []
    forced_labour_industry: str | None = None
    sex_exploitation_types: list[str] = []
    exploitation_country: str | None = None
    recruitment_websites: list[str] = []
    exploitation_websites: list[str] = []

    @classmethod
    def of(cls, context: Any) -> VictimContextOut:
        if context is None:
            return cls(version=0)
        data = {name: getattr(context, name) for name in cls.model_fields}
        return cls(
            **{
                k: (blank(v) if isinstance(v, str) and k != "recruitment_place" else v)
                for k, v in data.items()
            }
        )


# --- events --------------------------------------------------------------------------------------


class EventIn(In):
    event_type: EventType
    country: Country
    place: Text200 = ""
    start_date: PastDate | None = None
    end_date: PastDate | None = None


class EventOut(Schema):
    id: int
    event_type: EventType
    country: str
    place: str
    start_date: datetime.date | None
    end_date: datetime.date | None


# --- consents and guardians ----------------------------------------------------------------------


class ConsentIn(In):
    scope: ConsentScope
    referral_organization: Id | None = Field(
        None, description="For scope=referral: an organization in CTM (or give referral_contact)"
    )
    referral_contact: DirectoryRef = Field(
        "", description="For scope=referral: an outside organization by its contact-directory reference (s12, p3)"
    )
    given_on: PastDate
    given_by: ConsentGiver = Field(default=ConsentGiver.PERSON)
    guardian: Id | None = Field(None, description="A guardian of this case; required when given_by=guardian")
    told_purpose: Bool = False
    told_uses: Bool = False
    told_research_use: Bool = False
    told_right_to_access: Bool = False
    told_retention: Bool = False
    told_withdrawal: Bool = False
    includes_attachments: Bool = Field(
        False, description="For a referral: the case's files may be shared too"
    )


class ConsentOut(Schema):
    id: int
    scope: ConsentScope
    referral_organization: OrganizationRef | None
    referral_contact: str
    given_on: datetime.date
    given_by: ConsentGiver
    guardian: int | None
    told_purpose: bool
    told_uses: bool
    told_research_use: bool
    told_right_to_access: bool
    told_retention: bool
    told_withdrawal: bool
    includes_attachments: bool
    withdrawn_on: datetime.date | None
    withdrawn_by: str | None

    @staticmethod
    def resolve_guardian(obj: Any) -> int | None:
        return obj.guardian_id  # type: ignore[no-any-return]

    @staticmethod
    def resolve_withdrawn_by(obj: Any) -> str | None:
        return blank(obj.withdrawn_by)


class WithdrawIn(In):
    withdrawn_on: PastDate | None = None
    withdrawn_by: ConsentGiver = Field(default=ConsentGiver.PERSON)


class ConsentCheckOut(Schema):
    scope: ConsentScope
    organization: int | None
    on: datetime.date
    may: bool


class GuardianIn(In):
    name: RequiredText200
    relationship: RequiredText100
    contact: Text200 = ""
    appointed_on: PastDate | None = None
    appointing_authority: Text200 = ""


class GuardianOut(Schema):
    id: int
    name: str
    relationship: str
    contact: str
    appointed_on: datetime.date | None
    appointing_authority: str


# --- notes ---------------------------------------------------------------------------------------


class NoteIn(In):
    body: RequiredText20000


class NoteOut(Schema):
    id: int
    author: UserRef
    body: str
    created_at: datetime.datetime


# --- screening and eligibility -------------------------------------------------------------------


class ScreeningIn(In):
    version: Version
    interview_date: PastDate
    place: Text200 = ""
    language: Language | None = None
    interpreter_used: Bool = False
    consent_to_interview: Bool = False
    recruiter_promises: Text5000 = ""
    recruitment_cost: Money | None = None
    debt: Bool = False
    transit_countries: Annotated[list[Country], Field(max_length=20), Unique] = []
    travel_documents: TravelDocuments = Field(default=TravelDocuments.UNKNOWN)
    transport_organised_by_recruiter: Bool = False
    exploitation_months: Months | None = None
    payment: Payment = Field(default=Payment.UNKNOWN)
    freedom_of_movement: Bool = False
    violence: Bool = False
    documents_withheld: Bool = False
    exit_method: ExitMethod | None = None
    narrative: Text20000 = ""

    def domain_data(self) -> dict[str, Any]:
        data = self.model_dump(exclude={"version"})
        data["language"] = data["language"] or ""
        data["exit_method"] = data["exit_method"] or ""
        return data


class ScreeningOut(Schema):
    version: int
    interviewer: UserRef
    interview_date: datetime.date
    place: str
    language: str | None
    interpreter_used: bool
    consent_to_interview: bool
    recruiter_promises: str
    recruitment_cost: Decimal | None
    debt: bool
    transit_countries: list[str]
    travel_documents: TravelDocuments
    transport_organised_by_recruiter: bool
    exploitation_months: int | None
    payment: Payment
    freedom_of_movement: bool
    violence: bool
    documents_withheld: bool
    exit_method: str | None
    narrative: str

    @staticmethod
    def resolve_language(obj: Any) -> str | None:
        return blank(obj.language)

    @staticmethod
    def resolve_exit_method(obj: Any) -> str | None:
        return blank(obj.exit_method)


class EligibilityIn(In):
    trafficking_status: TraffickingStatus
    decision_body: DecisionBody
    decided_on: PastDate
    reasons: Text5000 = ""


class EligibilityOut(Schema):
    id: int
    trafficking_status: TraffickingStatus
    decision_body: DecisionBody
    decided_on: datetime.date
    reasons: str
    state: DecisionState
    proposed_by: UserRef
    reviewed_by: UserRef | None
    reviewed_at: datetime.datetime | None
