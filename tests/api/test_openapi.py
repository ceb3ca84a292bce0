"""The OpenAPI 3 schema served at /api/v1/openapi.json is the one kept in docs/openapi.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.test import Client

from ctm.api.management.commands.api_schema import schema_text

DOCS_SCHEMA = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
REGENERATE = "the API changed: regenerate with `ctm api_schema > docs/openapi.json` and commit it"


def test_served_schema_is_the_documented_one(db: Any) -> None:
    served = Client().get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.json()["openapi"].startswith("3.")
    assert served.json() == json.loads(DOCS_SCHEMA.read_text()), REGENERATE
    assert schema_text() == DOCS_SCHEMA.read_text(), REGENERATE


def test_identifying_data_never_travel_in_urls() -> None:
    """Searches by name, birth date or document are POST bodies; no path or query parameter carries them."""
    schema = json.loads(DOCS_SCHEMA.read_text())
    identifying = {
        "full_name",
        "given_name",
        "family_name",
        "birth_date",
        "birth_year",
        "document",
        "name",
        "address",
    }
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", [])}
            assert not names & identifying, f"{method} {path}"
