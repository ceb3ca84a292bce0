"""Shared field types and small output schemas of the API.

Input schemas refuse unknown fields (a misspelt field is an error, not silently ignored), bound every
string and number (huge values are a 422, never a database error), and check countries and languages
with the same validators as the forms.
"""

from __future__ import annotations

import datetime
import enum
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any

import pycountry
from django.utils import timezone
from ninja import Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    WithJsonSchema,
)

MAX_ID = 2**53  # ids beyond this cannot exist; larger values would overflow the database driver


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("Text may not contain NUL characters.")
    return value


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """Only a date written YYYY-MM-DD: never a number (`0` would be 1970-01-01) or a date-time."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return value
    raise ValueError("Enter a date as YYYY-MM-DD.")


def _json_integer(value: Any) -> Any:
    """A JSON integer (`5`, or `5.0`, which JSON Schema counts as one), never text or `true`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("Enter a whole number.")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("Enter a whole number.")
        return int(value)
    return value


def amount(digits: int, places: int, *, positive: bool = False) -> Any:
    """An amount of `digits` digits, `places` of them after the point, not negative (or, `positive`,
    above zero): a JSON number, rounded to the last place, or the exact amount as text ("1500.50")."""
    whole = digits - places
    text = re.compile(rf"[0-9]{{1,{whole}}}(\.[0-9]{{1,{places}}})?")
    step = Decimal(1).scaleb(-places)
    top = Decimal(10) ** whole - step

    def parse(value: Any) -> Decimal:
        if isinstance(value, str) and text.fullmatch(value):
            number = Decimal(value)
        elif isinstance(value, int | float | Decimal) and not isinstance(value, bool) and abs(value) <= top:
            number = Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP)
        else:
            raise ValueError(f"Enter an amount (at most {top}) as a number, or as text such as 1500.50.")
        if number > top or number < 0 or (positive and number == 0):
            raise ValueError(f"Enter an amount {'above' if positive else 'from'} 0 up to {top}.")
        return number

    low = {"exclusiveMinimum": 0} if positive else {"minimum": 0}
    schema = {"anyOf": [{"type": "number", **low, "maximum": float(top)}, {"type": "string", "pattern": f"^{text.pattern}$"}]}
    return Annotated[Decimal, BeforeValidator(parse), WithJsonSchema(schema)]


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


# Types are strict in request bodies, as JSON means them: `"5"` is not a number (`5.0` is), `1` is not
# `true`, `0` is not a date. Paths and query strings are text: there "5" is the number 5 (`UrlId`).
def integer(ge: int, le: int, **field: Any) -> Any:
    """A JSON integer between `ge` and `le` (the bounds written into the schema)."""
    return Annotated[int, Field(ge=ge, le=le, **field), BeforeValidator(_json_integer)]


Id = integer(1, MAX_ID)
Money = amount(10, 2)  # up to 99,999,999.99
UrlId = Annotated[int, Field(ge=1, le=MAX_ID)]
Bool = Annotated[bool, Strict()]
# Countries (ISO 3166 alpha-2, upper case) and languages (ISO 639-1, by their two- or three-letter code,
# lower case; the forms offer the same languages): the schema lists every code it accepts.
Country = enum.StrEnum("Country", {f"c_{c.alpha_2}": c.alpha_2 for c in pycountry.countries})  # type: ignore[misc]
Language = enum.StrEnum(  # type: ignore[misc]
    "Language",
    {
        f"l_{code}": code
        for lg in pycountry.languages
        if hasattr(lg, "alpha_2")
        for code in (lg.alpha_2, lg.alpha_3)
    },
)
# Currencies (ISO 4217, upper case): the schema lists every code it accepts.
Currency = enum.StrEnum("Currency", {f"c_{c.alpha_3}": c.alpha_3 for c in pycountry.currencies})  # type: ignore[misc]
# A contact-directory entry by its reference: "s" (shared) or "p" (private) and its id; "" for none.
DirectoryRef = Annotated[str, Field(pattern=r"^([sp][1-9][0-9]{0,15})?$", max_length=17)]
Date = Annotated[datetime.date, BeforeValidator(_iso_date)]
PastDate = Annotated[Date, AfterValidator(_not_future)]
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
    """The response map of an endpoint: its success schema, 401 always, and the listed errors; 400 (a
    body that is not JSON) and 422 (input that does not fit the schema) can answer any request."""
    out: dict[int, Any] = {ok: schema, 400: ValidationErrorOut, 401: ErrorOut, 422: ValidationErrorOut}
    for code in errors:
        out[code] = ValidationErrorOut if code in (400, 422) else ErrorOut
    return out


def blank(value: str | None) -> str | None:
    """Django's blank choice ("") is `null` in the API."""
    return value or None
