"""Schemas of return and reintegration: durable solutions, reintegration plans, monitoring visits,
the sustainability score's weights, and the closure checklist."""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from ctm.api.schemas.common import (
    Bool,
    Country,
    Currency,
    Date,
    DirectoryRef,
    Id,
    In,
    OrganizationRef,
    PastDate,
    RequiredText200,
    Text500,
    Text2000,
    Text5000,
    UserRef,
    amount,
    integer,
)
from ctm.assistance.enums import SupportType
from ctm.cases.enums import ClosureReason
from ctm.referrals.enums import RecordPart, ReferralState, Urgency
from ctm.reintegration.engine.scoring import CODES, DIMENSIONS
from ctm.reintegration.enums import (
    AssistanceKind,
    AssistanceStatus,
    ClosureCheck,
    DocumentStatus,
    FitToTravel,
    Milestone,
    Outcome,
    SolutionKind,
    SolutionStatus,
    TravelDocumentKind,
    TravelMode,
)

PositiveMoney = amount(10, 2, positive=True)
Answer = integer(1, 5)
Weight = amount(5, 2)  # from 0; the domain refuses weights above MAX_WEIGHT (422)
RequiredText5000 = Annotated[Text5000, Field(min_length=1)]

# --- durable solutions ---------------------------------------------------------------------------------


class SolutionIn(In):
    kind: SolutionKind
    destination_country: Country
    destination_place: Text500 = ""
    escort_required: Bool = False
    escort: Text500 = ""
    receiving_organization: Id | None = Field(None, description="A CTM organization")
    receiving_contact: Id | None = Field(None, description="An entry of the shared contact directory")
    post_arrival_assistance: Text5000 = ""


class ReturnReferralIn(In):
    referral: Id = Field(description="A referral of the case, sent or accepted, in the destination country")


class ReturnRecipientKind(enum.StrEnum):
    ORGANIZATION = "organization"
    DIRECTORY = "directory"


class ReferralForReturnIn(In):
    """A referral sent from the return to its receiving organization (under a referral consent naming
    it: no emergency override here)."""

    recipient_kind: ReturnRecipientKind
    to_organization: Id | None = Field(
        None, description="recipient_kind=organization: an organization in CTM"
    )
    directory_ref: DirectoryRef = Field("", description="recipient_kind=directory: a contact-directory entry")
    reason: Annotated[str, Field(min_length=1, max_length=5000)]
    services: Annotated[list[SupportType], Field(max_length=20)] = Field(default_factory=list)
    parts: Annotated[list[RecordPart], Field(max_length=20)] = Field(default_factory=list)
    urgency: Urgency = Urgency.ROUTINE


class SolutionReferralOut(Schema):
    """The referral that asks the receiving organization to receive the person: its state only."""

    id: int
    state: ReferralState
    to_organization: OrganizationRef | None
    directory_ref: str


class FitIn(In):
    result: FitToTravel
    on: PastDate | None = None


class TravelDocumentIn(In):
    kind: TravelDocumentKind
    status: DocumentStatus = DocumentStatus.PENDING


class LegIn(In):
    travel_on: Date
    mode: TravelMode
    origin: RequiredText200
    destination: RequiredText200


class DayIn(In):
    on: PastDate | None = None


class CancelIn(In):
    reason: Annotated[Text2000, Field(min_length=1)]


class TravelDocumentOut(Schema):
    id: int
    kind: TravelDocumentKind
    status: DocumentStatus
    obtained_on: datetime.date | None


class LegOut(Schema):
    id: int
    travel_on: datetime.date
    mode: TravelMode
    origin: str
    destination: str


class SolutionOut(Schema):
    id: int
    kind: SolutionKind
    status: SolutionStatus
    destination_country: str
    destination_place: str
    fit_to_travel: FitToTravel | None
    fit_checked_on: datetime.date | None
    escort_required: bool
    escort: str
    receiving_organization: OrganizationRef | None
    receiving_contact: int | None = Field(None, alias="receiving_contact_id")
    post_arrival_assistance: str
    consent: int | None = Field(None, alias="consent_id")
    best_interests: int | None = Field(None, alias="best_interests_id")
    approved_by: UserRef | None
    approved_at: datetime.datetime | None
    departed_on: datetime.date | None
    arrived_on: datetime.date | None
    documents: list[TravelDocumentOut]
    legs: list[LegOut]
    referral: SolutionReferralOut | None

    @staticmethod
    def resolve_fit_to_travel(obj: Any) -> str | None:
        return obj.fit_to_travel or None

    @staticmethod
    def resolve_documents(obj: Any) -> list[Any]:
        return list(obj.documents.all())

    @staticmethod
    def resolve_legs(obj: Any) -> list[Any]:
        return list(obj.legs.all())


# --- reintegration plans -------------------------------------------------------------------------------


class ReintegrationPlanIn(In):
    needs: RequiredText5000
    solution: Id | None = None


class AssistanceIn(In):
    kind: AssistanceKind
    description: Text2000 = ""
    amount: PositiveMoney | None = None
    currency: Currency | None = None
    service: Id | None = Field(None, description="A service recorded on the case")


class DisbursementIn(In):
    amount: PositiveMoney
    paid_on: PastDate | None = None


class DisbursementOut(Schema):
    id: int
    amount: Decimal
    paid_on: datetime.date


class AssistanceOut(Schema):
    id: int
    kind: AssistanceKind
    status: AssistanceStatus
    description: str
    amount: Decimal | None
    currency: str
    service: int | None = Field(None, alias="service_id")
    disbursements: list[DisbursementOut]

    @staticmethod
    def resolve_disbursements(obj: Any) -> list[Any]:
        return list(obj.disbursements.all())


class ReintegrationPlanOut(Schema):
    id: int
    needs: str
    solution: int | None = Field(None, alias="solution_id")
    assistance: list[AssistanceOut]

    @staticmethod
    def resolve_assistance(obj: Any) -> list[Any]:
        return list(obj.assistance.all())


# --- monitoring ------------------------------------------------------------------------------------------

Indicator = enum.StrEnum("Indicator", {c: c for c in CODES})  # type: ignore[misc]


class VisitIn(In):
    milestone: Milestone
    visited_on: PastDate | None = None
    answers: dict[Indicator, Answer] = Field(  # type: ignore[valid-type]
        default_factory=dict, description="Each indicator asked: 1 (worst) to 5 (best)"
    )
    outcome: Outcome
    notes: Text5000 = ""


class Scores(Schema):
    economic: Decimal | None
    social: Decimal | None
    psychosocial: Decimal | None
    composite: Decimal | None


class VisitOut(Scores):
    id: int
    milestone: Milestone
    visited_on: datetime.date
    visitor: UserRef
    answers: dict[str, int]
    outcome: Outcome
    notes: str


class TrendPointOut(Scores):
    visited_on: datetime.date
    milestone: Milestone
    outcome: Outcome


Dimension = enum.StrEnum("Dimension", {d: d for d in DIMENSIONS})  # type: ignore[misc]


class WeightsIn(In):
    indicators: dict[Indicator, Weight] = Field(default_factory=dict)  # type: ignore[valid-type]
    dimensions: dict[Dimension, Weight] = Field(default_factory=dict)  # type: ignore[valid-type]


class WeightsOut(Schema):
    indicators: dict[str, Decimal]
    dimensions: dict[str, Decimal]


# --- closure ---------------------------------------------------------------------------------------------


class ClosureIn(In):
    reason: ClosureReason
    note: Text2000 = ""
    checks: list[ClosureCheck]


class ClosureOut(Schema):
    id: int
    reason: ClosureReason
    checks: list[str]
    closed: bool
