"""The API object mounted at /api/v1/ by config/urls.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Router

from ctm.api import errors
from ctm.api.auth import TokenAuth
from ctm.api.routers import (
    assistance,
    cases,
    consents,
    context,
    dashboard,
    directory,
    funds,
    notes,
    organizations,
    persons,
    referrals,
    reintegration,
    screening,
    work,
)

DESCRIPTION = """The case register of CTM. Authenticate with `Authorization: Bearer ctm_…` (a token
bound to one membership, created at /accounts/tokens/). Identifying data never travel in URLs: searches
by name or document are POST requests. Every read of identifying data is written to the activity log."""


class CtmAPI(NinjaAPI):
    def create_response(self, request: HttpRequest, data: Any, **kwargs: Any) -> HttpResponse:
        response = super().create_response(request, data, **kwargs)
        response["Cache-Control"] = "no-store"  # answers may hold identifying data
        return response


# No interactive docs page: it would load scripts from a CDN, which the content security policy refuses.
api = CtmAPI(
    title="CTM API",
    version="1",
    description=DESCRIPTION,
    auth=TokenAuth(),
    urls_namespace="api-v1",
    docs_url=None,
)
errors.install(api)
api.add_router("/organizations", organizations.router)
api.add_router("/directory", directory.router)
api.add_router("/funds", funds.router)
api.add_router("/dashboard", dashboard.router)
for module in (cases, persons, context, consents, notes, screening, assistance):
    api.add_router("/cases", module.router)
api.add_router("/cases", referrals.case_router)
api.add_router("/cases", reintegration.cases)
api.add_router("/reintegration", reintegration.router)
api.add_router("", work.router)
api.add_router("", referrals.router)


fallback = Router()  # mounted last: its pattern matches every path


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", auth=None, include_in_schema=False
)
def unknown_path(request: HttpRequest, rest: str) -> HttpResponse:
    """Any other URL under /api/v1/ answers a JSON 404, like a missing case."""
    return api.create_response(request, {"detail": "Not Found"}, status=404)


api.add_router("", fallback)
