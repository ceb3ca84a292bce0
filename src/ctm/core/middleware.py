"""Security headers (a strict Content-Security-Policy, every asset being served locally, and no
caching of pages that may hold identifying data) and the request's tenant scope."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ctm.core.reads import no_identifying_access
from ctm.core.scopes import request_scope

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CSP)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            response["Cache-Control"] = "no-store"
        return response


class HtmxNavigationMiddleware:
    """A partial update (htmx) that is redirected — the login after an idle timeout, a two-factor
    step, any page — becomes a full navigation (`HX-Redirect`) instead of a fragment picked out of the
    wrong page. The one redirect htmx follows is a saved part's way back to the page its section is
    taken from (`form_page` marks it `swap_back`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        htmx = getattr(request, "htmx", None)
        if not htmx or response.status_code not in (301, 302, 303) or not response.has_header("Location"):
            return response
        if getattr(response, "swap_back", False):
            return response
        redirect = HttpResponse(status=204)
        redirect["HX-Redirect"] = response["Location"]
        return redirect


class TenantScopeMiddleware:
    """Runs the whole request in its membership's tenant scope (`ctm.core.scopes`).

    After the accounts middleware, which sets `request.membership` from the session: a signed-in
    member's queries see their organization's rows only; an anonymous request (login, the public
    data page, the API before its token is checked) has no organization in scope, so any query on a
    tenant-owned model raises unless the code enters a scope itself, visibly. Identifying reads start
    closed too (`ctm.core.reads`): only a logged read opens them.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_scope(request, getattr(request, "membership", None)), no_identifying_access():
            return self.get_response(request)
