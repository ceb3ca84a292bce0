"""`ctm api_schema > docs/openapi.json`: print the OpenAPI 3 schema served at /api/v1/openapi.json."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from ctm.api.urls import api

PATH_PREFIX = "/api/v1/"


def schema_text() -> str:
    """The schema as stored in docs/openapi.json (sorted keys, two-space indent, final newline)."""
    schema = api.get_openapi_schema(path_prefix=PATH_PREFIX)
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):  # type: ignore[misc]  # Django ships without type stubs
    help = "Print the OpenAPI 3 schema of /api/v1/ (`ctm api_schema > docs/openapi.json`)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(schema_text(), ending="")
