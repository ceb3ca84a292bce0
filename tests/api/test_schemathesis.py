"""Schemathesis against the OpenAPI schema (docs/openapi.json, served at /api/v1/openapi.json): every
operation, with generated valid and invalid input, under every check Schemathesis has (no server error,
documented status codes, content types and response schemas, invalid input refused, valid input
accepted...). Bounded: a few examples per operation, so the whole run stays under two minutes.

Valid input may still break a rule that a JSON schema cannot say (the office must be one of your
organization's, a closed case cannot be closed again, a date not in the future): that is a 422, from
the domain (`detail` a text) or from a rule of the input schema (a `value_error`). A 422 for anything
the schema does say (a type, a bound, a required or unknown field) is a failure
(`schema_layer_accepts_valid_input`).
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from config.wsgi import application
from ctm.accounts.domain.auth import create_api_token
from tests.api.conftest import fill_case

POSITIVE_EXPECTED = ["2xx", "401", "403", "404", "409", "422"]
config = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": POSITIVE_EXPECTED}}}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=config)
pytestmark = pytest.mark.django_db


def schema_layer_accepts_valid_input(ctx: Any, response: Any, case: Any) -> None:
    if case.meta and case.meta.generation.mode.is_positive and response.status_code == 422:
        detail = response.json().get("detail")
        if isinstance(detail, list):
            said = [e for e in detail if e.get("type") != "value_error"]
            assert not said, f"valid input refused by the schema layer: {said}"


@pytest.fixture(autouse=True)
def _keep_the_test_transaction_open():
    """Schemathesis calls the WSGI application directly, not through Django's test client, so each
    request's end would close the database connection and with it the test's transaction (on
    PostgreSQL; SQLite's in-memory database ignores it). Do what the test client does."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def caseworker(personas: Any) -> tuple[str, str]:
    """A caseworker's token and a case they own with every part recorded (lighter than `world`)."""
    fill_case(personas.case, personas.caseworker)
    _token, raw = create_api_token(personas.caseworker, name="schemathesis", by=personas.caseworker.user)
    return raw, personas.case.number


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_schema(case: Any, caseworker: tuple[str, str]) -> None:
    token, number = caseworker
    if "number" in (case.path_parameters or {}):
        case.path_parameters["number"] = number  # a case the caseworker may open and change
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        additional_checks=[schema_layer_accepts_valid_input],
    )
