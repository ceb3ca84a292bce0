"""Schemas of the contact directory. Bodies are bounded here and checked by the directory's entry
form in the router (one set of rules for the pages and the API)."""

from __future__ import annotations

import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field

from ctm.api.schemas.common import In, RequiredText200, Text32, Text200, Text2000, Unique
from ctm.directory.enums import EntryType, Population, Service, Visibility

Codes = Annotated[list[Text32], Field(max_length=60), Unique]


class EntryFields(In):
    region: Text200 = ""
    city: Text200 = ""
    address: Text200 = ""
    phone: Text200 = ""
    emergency_line: Text200 = ""
    email: Text200 = ""
    website: Text200 = ""
    hours: Text200 = ""
    services: Annotated[list[Service], Field(max_length=20), Unique] = []
    languages: Codes = []
    populations: Annotated[list[Population], Field(max_length=4), Unique] = []
    notes: Text2000 = ""


class EntryCreate(EntryFields):
    visibility: Visibility
    name: RequiredText200
    entry_type: EntryType
    country: Text32
    last_verified_on: datetime.date | None = None


class EntryPatch(In):
    name: RequiredText200 | None = None
    entry_type: EntryType | None = None
    country: Text32 | None = None
    region: Text200 | None = None
    city: Text200 | None = None
    address: Text200 | None = None
    phone: Text200 | None = None
    emergency_line: Text200 | None = None
    email: Text200 | None = None
    website: Text200 | None = None
    hours: Text200 | None = None
    services: Annotated[list[Service], Field(max_length=20), Unique] | None = None
    languages: Codes | None = None
    populations: Annotated[list[Population], Field(max_length=4), Unique] | None = None
    notes: Text2000 | None = None


class EntryOut(Schema):
    ref: str
    visibility: str
    name: str
    entry_type: str
    country: str
    region: str
    city: str
    address: str
    phone: str
    emergency_line: str
    email: str
    website: str
    hours: str
    services: list[str] = Field(validation_alias="service_list")
    languages: list[str] = Field(validation_alias="language_list")
    populations: list[str] = Field(validation_alias="population_list")
    notes: str
    last_verified_on: datetime.date | None
    verified_by: str | None = Field(None, validation_alias="verified_by.username")
    stale: bool


class EntryFilterQuery(Schema):
    country: Text32 = ""
    entry_type: EntryType | None = None
    service: Service | None = None
    language: Text32 = ""
    population: Population | None = None
    text: Text200 = ""
    visibility: Visibility | None = None
    stale: bool = False
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=10**6)


class EntryPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[EntryOut]
