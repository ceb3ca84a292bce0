"""Schemas of assistance: assessments, plans, services, shelters and stays, tasks."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, StringConstraints

from ctm.api.schemas.common import (
    Currency,
    Date,
    Id,
    In,
    Money,
    OrganizationRef,
    PastDate,
    RequiredText200,
    Text2000,
    Text5000,
    UserRef,
)
from ctm.assistance.enums import (
    AgreementMethod,
    Factor,
    FactorKind,
    FactorLevel,
    PlanStatus,
    ProviderKind,
    SafetyRisk,
    ServiceStatus,
    SupportType,
    TaskKind,
    TaskStatus,
)
from ctm.core.fields import holds_value

RequiredText5000 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]

# --- assessments -----------------------------------------------------------------------------------


class AssessmentIn(In):
    safety_risk: SafetyRisk
    factors: dict[Factor, FactorKind] = Field(
        default_factory=dict, description="Each factor assessed: a risk or a protective factor"
    )
    assessed_on: PastDate | None = None
    notes: Text5000 = ""


class FactorOut(Schema):
    factor: Factor
    level: FactorLevel
    kind: FactorKind


class AssessmentOut(Schema):
    id: int
    assessed_on: datetime.date
    assessor: UserRef
    safety_risk: SafetyRisk
    factors: list[FactorOut]
    notes: str

    @staticmethod
    def resolve_factors(obj: Any) -> list[Any]:
        return list(obj.factors.all())


# --- plans -------------------------------------------------------------------------------------------


class PlanIn(In):
    objectives: RequiredText5000
    responsible: Id


class PlanItemIn(In):
    support_type: SupportType
    description: Text2000 = ""
    responsible: Id
    planned_start: Date | None = None
    planned_end: Date | None = None


class AgreementIn(In):
    method: AgreementMethod
    agreed_on: PastDate | None = None


class PlanItemOut(Schema):
    id: int
    support_type: SupportType
    description: str
    responsible: UserRef
    planned_start: datetime.date | None
    planned_end: datetime.date | None


class PlanOut(Schema):
    id: int
    status: PlanStatus
    objectives: str
    responsible: UserRef
    agreed_on: datetime.date | None
    agreement_method: AgreementMethod | None
    approved_by: UserRef | None
    approved_at: datetime.datetime | None
    items: list[PlanItemOut]

    @staticmethod
    def resolve_items(obj: Any) -> list[Any]:
        return list(obj.items.all())

    @staticmethod
    def resolve_agreement_method(obj: Any) -> str | None:
        return obj.agreement_method or None


# --- services ------------------------------------------------------------------------------------------


class ServiceIn(In):
    support_type: SupportType
    plan_item: Id | None = None
    status: ServiceStatus = ServiceStatus.PLANNED
    provider_kind: ProviderKind
    provider_organization: Id | None = None
    provider_name: Text2000 = ""
    started_on: PastDate | None = None
    ended_on: Date | None = None
    cost: Money | None = None
    currency: Currency | None = None
    notes: Text5000 = ""


class ServiceStatusIn(In):
    status: ServiceStatus
    on: PastDate | None = None


class ServiceOut(Schema):
    id: int
    support_type: SupportType
    plan_item: int | None = Field(None, alias="plan_item_id")
    status: ServiceStatus
    provider_kind: ProviderKind
    provider_organization: OrganizationRef | None
    provider_name: str
    started_on: datetime.date | None
    ended_on: datetime.date | None
    cost: Decimal | None
    currency: str
    notes: str


# --- shelters and stays ----------------------------------------------------------------------------------


class ShelterIn(In):
    name: RequiredText200
    places: int = Field(ge=1, le=10_000)
    office: Id | None = None
    address: Text2000 = ""


class ShelterOut(Schema):
    id: int
    name: str
    places: int
    occupied: int = Field(0, description="Places taken on the day asked for")
    free: int = 0


class AdmitIn(In):
    shelter: Id
    admitted_on: PastDate | None = None
    service: Id | None = Field(None, description="An accommodation service of the case; a new one if omitted")
    override_reason: Text2000 = Field("", description="A case manager's reason to admit to a full shelter")


class DischargeIn(In):
    discharged_on: PastDate | None = None


class StayOut(Schema):
    id: int
    shelter: int = Field(alias="shelter_id")
    service: int | None = Field(None, alias="service_id")
    admitted_on: datetime.date
    discharged_on: datetime.date | None
    over_capacity: bool

    @staticmethod
    def resolve_over_capacity(obj: Any) -> bool:
        return holds_value(obj, "override_reason")  # whether a reason was given, without reading it


# --- tasks -------------------------------------------------------------------------------------------------


class TaskOut(Schema):
    id: int
    kind: TaskKind
    case: str = Field(description="The case number")
    due_on: datetime.date
    status: TaskStatus

    @staticmethod
    def resolve_case(obj: Any) -> str:
        return str(obj.case.number)
