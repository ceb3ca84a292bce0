"""Shared field types and small output schemas of the API.

Input schemas refuse unknown fields (a misspelt field is an error, not silently ignored), bound every
string and number (huge values are a 422, never a database error), and check countries and languages
with the same validators as the forms.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field, StringConstraints

from ctm.cases.validators import validate_country, validate_language

MAX_ID = 2**53  # ids beyond this cannot exist; larger values would overflow the database driver


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text may not contain NUL characters.")
    return value


def _django(validator: Callable[[str], None]) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            validator(value)
        except DjangoValidationError as exc:
            raise ValueError(exc.messages[0]) from exc
        return value

    return check


def _not_future(value: datetime.date | None) -> datetime.date | None:
    if value is not None and value > timezone.localdate():
        raise ValueError("The date cannot be in the future.")
    return value


def _unique(values: list[Any]) -> list[Any]:
    return list(dict.fromkeys(values))


def _bounded(max_length: int, min_length: int = 0) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


# Stripped strings of bounded length without NUL characters ("Required" ones may not be empty).
_NoNul = AfterValidator(_no_nul)
Text32 = Annotated[str, _bounded(32), _NoNul]
Text200 = Annotated[str, _bounded(200), _NoNul]
Text500 = Annotated[str, _bounded(500), _NoNul]
Text2000 = Annotated[str, _bounded(2000), _NoNul]
Text5000 = Annotated[str, _bounded(5000), _NoNul]
Text20000 = Annotated[str, _bounded(20_000), _NoNul]
RequiredText100 = Annotated[str, _bounded(100, 1), _NoNul]
RequiredText200 = Annotated[str, _bounded(200, 1), _NoNul]
RequiredText400 = Annotated[str, _bounded(400, 1), _NoNul]
RequiredText20000 = Annotated[str, _bounded(20_000, 1), _NoNul]

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Country = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, min_length=2, max_length=2),
    AfterValidator(_django(validate_country)),
]
Language = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, min_length=2, max_length=3),
    AfterValidator(_django(validate_language)),
]
PastDate = Annotated[datetime.date, AfterValidator(_not_future)]
Unique = AfterValidator(_unique)


class In(Schema):
    """Base of every request body: unknown fields refused, enums handed to the domain as plain values."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True)


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: str | list[dict[str, Any]] = Field(description="A message, or ninja's list of input errors")
    errors: dict[str, list[str]] | None = Field(None, description="Messages by field, from the domain rules")


class UserRef(Schema):
    id: int
    username: str


class OfficeRef(Schema):
    id: int
    code: str
    name: str


class OrganizationRef(Schema):
    id: int
    code: str
    name: str


def responses(ok: int, schema: Any, *errors: int) -> dict[int, Any]:
    """The response map of an endpoint: its success schema, 401 always, and the listed errors."""
    out: dict[int, Any] = {ok: schema, 401: ErrorOut}
    for code in errors:
        out[code] = ValidationErrorOut if code in (400, 422) else ErrorOut
    return out


def blank(value: str | None) -> str | None:
    """Django's blank choice ("") is `null` in the API."""
    return value or None
