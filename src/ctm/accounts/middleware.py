"""Per-request account checks: idle timeout, the active membership, and required two-factor."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from ctm.accounts.domain.auth import needs_two_factor
from ctm.core.domain.queries.memberships import active_membership

SESSION_LAST_SEEN = "ctm_last_seen"
SESSION_ORG = "ctm_org"
SESSION_2FA_OK = "ctm_2fa_ok"
# The idle stamp is written at most once a minute: a page read does not rewrite the session each time
# (a write per request made SQLite's single writer the bottleneck under load).
STAMP_EVERY = 60
OPEN_PATHS = ("/accounts/", "/static/", "/i18n/", "/api/", "/favicon.ico")


def stamp_login(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """The idle clock starts at login (connected in AccountsConfig.ready)."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LAST_SEEN] = time.time()


class IdleTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(SESSION_LAST_SEEN)
            if last and now - last > settings.CTM_IDLE_TIMEOUT.total_seconds():
                logout(request)
                return redirect(f"{settings.LOGIN_URL and '/accounts/login/'}?timeout=1")
            if not last or now - last >= STAMP_EVERY:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            membership = active_membership(user, request.session.get(SESSION_ORG))
            request.membership = membership  # type: ignore[attr-defined]
            if (
                needs_two_factor(user, membership)
                and not request.session.get(SESSION_2FA_OK)
                and not request.path.startswith(OPEN_PATHS)
            ):
                target = "/accounts/two-factor/" if user.totp_confirmed else "/accounts/two-factor/setup/"
                return redirect(target)
        return self.get_response(request)
