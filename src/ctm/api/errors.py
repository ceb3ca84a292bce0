"""Domain errors → HTTP answers: 403 NotAllowed, 404 missing or not yours, 409 conflict, 422 field errors.

Ninja's own input validation errors stay as ninja writes them (422, `{"detail": [...]}`); a body that
is not JSON is ninja's 400. The domain's InvalidTransition (a Django ValidationError, possibly carrying
field errors) becomes `{"detail": message, "errors": {field: [messages]}}` with 422.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from ctm.core.errors import ConflictError

NON_FIELD = "__all__"


def field_errors(exc: ValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
    return {NON_FIELD: [str(m) for m in exc.messages]}


def invalid(field: str, message: str) -> ValidationError:
    """A field error found while resolving ids in a request body (e.g. an office of another organization)."""
    return ValidationError({field: [message]})


def install(api: NinjaAPI) -> None:
    def forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc) or "Forbidden"}, status=403)

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, {"detail": "Not Found"}, status=404)

    def conflict(request: HttpRequest, exc: Any) -> HttpResponse:
        return api.create_response(request, {"detail": str(exc)}, status=409)

    def unprocessable(request: HttpRequest, exc: Any) -> HttpResponse:
        errors = field_errors(exc)
        first = next(iter(errors.values()))[0]
        return api.create_response(request, {"detail": first, "errors": errors}, status=422)

    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(ObjectDoesNotExist, not_found)
    api.add_exception_handler(ConflictError, conflict)
    api.add_exception_handler(ValidationError, unprocessable)
