"""Domain errors → HTTP answers: 403 NotAllowed, 404 missing or not yours, 409 conflict, 422 field errors.

Ninja's own input validation errors stay as ninja writes them (422, `{"detail": [...]}`); a body that
is not JSON is ninja's 400. A query parameter an operation does not declare is a 422 in the same shape
(`extra_forbidden`, `loc: ["query", name]`), on every operation. The domain's InvalidTransition (a Django ValidationError, possibly carrying
field errors) becomes `{"detail": message, "errors": {field: [messages]}}` with 422.
"""

from __future__ import annotations

from functools import wraps
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


def query_names(operation: Any) -> set[str]:
    """The query parameters an operation declares (their names as sent, aliases and flattened schemas
    included)."""
    names: set[str] = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) != "query":
            continue
        names |= set(getattr(model, "__ninja_flatten_map__", None) or {})
        names |= {field.alias or name for name, field in model.model_fields.items()}
    return names


def refuse_unknown_query_parameters(run: Any) -> Any:
    """Applied to every operation (`api.add_decorator(..., mode="view")`): a query parameter the
    operation does not declare is refused with a 422 naming it, in ninja's shape for input errors —
    after authentication, so an anonymous caller still gets its 401. A misspelt filter would otherwise
    be ignored silently and answer the whole list."""
    operation = run.__self__
    known = query_names(operation)

    @wraps(run)
    def checked(request: HttpRequest, **kw: Any) -> HttpResponse:
        unknown = sorted(set(request.GET) - known)
        if not unknown or not operation.include_in_schema:  # the fallback's JSON 404 stays a 404
            return run(request, **kw)  # type: ignore[no-any-return]
        refused = operation._run_checks(request)  # authentication first, as for any other input error
        if refused:
            return refused  # type: ignore[no-any-return]
        detail = [
            {"type": "extra_forbidden", "loc": ["query", name], "msg": "Unknown query parameter"} for name in unknown
        ]
        return operation.api.create_response(request, {"detail": detail}, status=422)  # type: ignore[no-any-return]

    return checked


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

    api.add_decorator(refuse_unknown_query_parameters, mode="view")
    api.add_exception_handler(PermissionDenied, forbidden)
    api.add_exception_handler(ObjectDoesNotExist, not_found)
    api.add_exception_handler(ConflictError, conflict)
    api.add_exception_handler(ValidationError, unprocessable)
