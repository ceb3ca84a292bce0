"""Schemas of organizations, persons and cases."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import ConfigDict, Field, model_validator

from ctm.api.schemas.common import (
    Bool,
    Country,
    Date,
    Id,
    In,
    Language,
    OfficeRef,
    OrganizationRef,
    PastDate,
    RequiredText100,
    RequiredText200,
    RequiredText400,
    Text32,
    Text200,
    Text500,
    Text2000,
    Unique,
    UrlId,
    UserRef,
    blank,
    integer,
)
from ctm.cases.enums import (
    CaseStatus,
    ClosureReason,
    ContactKind,
    DocumentKind,
    ExploitationType,
    Gender,
    Stage,
    TraffickingStatus,
)
from ctm.core.enums import OrganizationType
from ctm.reintegration.enums import ClosureCheck

# --- organizations -------------------------------------------------------------------------------


class OfficeOut(Schema):
    id: int
    code: str
    name: str
    country: str
    city: str


class OrganizationOut(Schema):
    id: int
    code: str
    name: str
    org_type: OrganizationType
    country: str
    offices: list[OfficeOut]

    @staticmethod
    def resolve_offices(obj: Any) -> list[Any]:
        return list(obj.offices.all())


# --- persons -------------------------------------------------------------------------------------


class ContactIn(In):
    kind: ContactKind
    value: RequiredText200


class PersonIn(In):
    given_name: Text200 = ""
    family_name: Text200 = ""
    other_names: Annotated[list[RequiredText200], Field(max_length=20), Unique] = []
    gender: Gender = Field(default=Gender.UNKNOWN)
    birth_date: PastDate | None = None
    birth_date_is_estimate: Bool = False
    estimated_age: Age | None = None
    citizenships: Annotated[list[Country], Field(max_length=10), Unique] = []
    languages: Annotated[list[Language], Field(max_length=20), Unique] = []
    contacts: Annotated[list[ContactIn], Field(max_length=20)] = []
    address: Text500 = ""

    def domain_data(self, *, partial: bool = False) -> dict[str, Any]:
        data = self.model_dump(exclude_unset=partial, exclude={"version"})
        for key in ("given_name", "family_name", "address"):
            if key in data and data[key] is None:
                data[key] = ""
        return data


Age = integer(0, 120)
BirthYear = integer(1900, 2100)
# What `_named` checks, said in the schema: a given name or a family name with a visible character.
NAMED = {
    "anyOf": [
        {"required": [name], "properties": {name: {"type": "string", "pattern": "\\S"}}}
        for name in ("given_name", "family_name")
    ]
}


class PersonCreate(PersonIn):
    model_config = ConfigDict(json_schema_extra=NAMED)

    @model_validator(mode="after")
    def _named(self) -> PersonCreate:
        if not (self.given_name or self.family_name):
            raise ValueError("Give at least a given name or a family name.")
        return self


class PersonPatch(PersonIn):
    """Only the fields sent are changed; `version` is the one read (409 when someone saved since)."""

    version: Id


class ContactOut(Schema):
    kind: str
    value: str


class DocumentIn(In):
    kind: DocumentKind
    number: RequiredText100
    issuing_country: Country | None = None
    expiry_date: Date | None = None
    held_by_trafficker: Bool = False

    def domain_data(self) -> dict[str, Any]:
        data = self.model_dump()
        data["issuing_country"] = data["issuing_country"] or ""
        return data


class DocumentOut(Schema):
    id: int
    kind: DocumentKind
    number: str
    issuing_country: str | None
    expiry_date: datetime.date | None
    held_by_trafficker: bool

    @staticmethod
    def resolve_issuing_country(obj: Any) -> str | None:
        return blank(obj.issuing_country)


class PersonOut(Schema):
    case_number: str
    given_name: str
    family_name: str
    other_names: list[str]
    gender: Gender
    birth_date: datetime.date | None
    birth_date_is_estimate: bool
    estimated_age: int | None
    citizenships: list[str]
    languages: list[str]
    contacts: list[ContactOut]
    address: str
    documents: list[DocumentOut]
    version: int


# --- cases ---------------------------------------------------------------------------------------


class CaseCreate(In):
    person: PersonCreate
    office: Id | None = Field(None, description="An office of your organization (default: your own office)")
    opened_on: PastDate | None = None
    identified_on: PastDate | None = None
    high_risk: Bool = False
    sensitive: Bool = False


class CasePatch(In):
    version: Id
    office: Id | None = None
    identified_on: PastDate | None = None
    high_risk: Bool = False
    sensitive: Bool = False


class CaseOut(Schema):
    number: str
    organization: OrganizationRef
    office: OfficeRef | None
    owner: UserRef
    status: CaseStatus
    stage: Stage
    opened_on: datetime.date
    identified_on: datetime.date | None
    closed_on: datetime.date | None
    closure_reason: ClosureReason | None
    closure_requested: bool
    reopen_count: int
    is_minor: bool
    high_risk: bool
    sensitive: bool
    trafficking_status: TraffickingStatus | None
    citizenship: str | None
    exploitation_country: str | None
    exploitation_types: list[str]
    version: int

    @staticmethod
    def resolve_closure_reason(obj: Any) -> str | None:
        return blank(obj.closure_reason)

    @staticmethod
    def resolve_closure_requested(obj: Any) -> bool:
        return obj.closure_requested_by_id is not None

    @staticmethod
    def resolve_trafficking_status(obj: Any) -> str | None:
        return blank(obj.trafficking_status)

    @staticmethod
    def resolve_citizenship(obj: Any) -> str | None:
        return blank(obj.citizenship)

    @staticmethod
    def resolve_exploitation_country(obj: Any) -> str | None:
        return blank(obj.exploitation_country)

    @staticmethod
    def resolve_exploitation_types(obj: Any) -> list[str]:
        return list(obj.exploitation_type_list())


class CaseDetailOut(CaseOut):
    assignees: list[UserRef]

    @staticmethod
    def resolve_assignees(obj: Any) -> list[Any]:
        return list(obj.assignees.order_by("username"))


class CasePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CaseOut]


class CaseFilterQuery(Schema):
    """The same filters as the case list page."""

    status: CaseStatus | None = None
    stage: Stage | None = None
    office: UrlId | None = None
    owner: UrlId | None = None
    citizenship: Country | None = None
    exploitation_country: Country | None = None
    exploitation_type: ExploitationType | None = None
    minor: bool | None = None
    opened_from: Date | None = None
    opened_to: Date | None = None
    number: Text32 | None = None
    limit: int = Field(25, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000_000)


class AssignIn(In):
    owner: Id | None = None
    assignees: Annotated[list[Id], Field(max_length=50), Unique] | None = Field(
        None, description="The full list of assigned caseworkers (omit to leave unchanged)"
    )


class StageIn(In):
    stage: Stage


class CloseIn(In):
    reason: ClosureReason
    note: Text2000 = ""
    closed_on: PastDate | None = None
    checks: list[ClosureCheck]  # every item of the closure checklist (GET /reintegration/... lists them)


class ReopenIn(In):
    reason: Text200 = ""


class NameSearchIn(In):
    full_name: RequiredText400
    birth_date: Date


class DocumentSearchIn(In):
    number: RequiredText100


class DuplicateCheckIn(In):
    given_name: Text200 = ""
    family_name: Text200 = ""
    birth_date: Date | None = None
    birth_year: BirthYear | None = None


class DuplicateOut(Schema):
    case_number: str
    match: str = Field(description="exact (name and birth date) or similar (phonetic name and birth year)")
