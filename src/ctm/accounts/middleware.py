"""Per-request account checks: idle timeout, the active membership, and the account choke point.

`TwoFactorRequiredMiddleware.process_view` is the one place where a signed-in session that has not
finished logging in is stopped. A session is *pending* while it still owes a step:

- ``verify``: the user has a second factor, or their organization requires one for their role,
  and this session has not passed it (django-otp's `request.user.is_verified()`), and a device exists;
- ``enrol``: the same, but the user has no device yet;
- ``password``: two-factor is settled, but an admin reset the password and it must be changed.

A pending session reaches only the views marked with `account_flow(step)` for its step (the login,
the two-factor and password pages, logout, language switch); every other view — every page, every
API operation, any view added later — answers with a redirect to the step. There is no list of
open URL prefixes: a view is open to a pending session only by declaring it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from ctm.accounts.domain.auth import (
    has_second_factor,
    organization_requires_two_factor,
    second_factor_of_member,
)
from ctm.core.domain.queries.memberships import active_membership, request_memberships

SESSION_LAST_SEEN = "ctm_last_seen"
SESSION_ORG = "ctm_org"
VERIFY, ENROL, PASSWORD = "verify", "enrol", "password"
ALL_STEPS = frozenset({VERIFY, ENROL, PASSWORD})
STEP_URLS = {
    VERIFY: "/accounts/two-factor/",
    ENROL: "/accounts/two-factor/setup/",
    PASSWORD: "/accounts/password/",
}
FLOW_ATTRIBUTE = "ctm_account_flow"
SECOND_FACTOR = "second_factor"  # the memberships' annotation: their user has a confirmed device


def account_flow(*steps: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a view as part of the login flow: reachable by a session pending one of `steps`."""
    unknown = set(steps) - ALL_STEPS
    if unknown:
        raise ValueError(f"unknown account steps: {sorted(unknown)}")

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            return view(*args, **kwargs)

        setattr(wrapped, FLOW_ATTRIBUTE, frozenset(steps))
        return wrapped

    return mark


def pending_step(request: HttpRequest) -> str | None:
    """The step this session still owes, or None when it may use the application."""
    user = request.user
    if not user.is_authenticated:
        return None
    if not user.is_verified():  # type: ignore[union-attr]  # installed by django-otp's OTPMiddleware
        if _has_second_factor(request, user):
            return VERIFY
        if organization_requires_two_factor(getattr(request, "membership", None)):
            return ENROL
    if getattr(user, "must_change_password", False):
        return PASSWORD
    return None


def _has_second_factor(request: HttpRequest, user: Any) -> bool:
    """Read with the user's memberships in their statement (this request's, for this user), or on
    its own when there is none to read it with (a user with no membership, a login in the request)."""
    read = request_memberships(request)
    if read and read[0].user_id == user.pk and hasattr(read[0], SECOND_FACTOR):
        return bool(getattr(read[0], SECOND_FACTOR))
    return has_second_factor(user)


# The idle stamp is written at most once a minute: a page read does not rewrite the session each time
# (a write per request made SQLite's single writer the bottleneck under load).
STAMP_EVERY = 60


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
                return redirect("/accounts/login/?timeout=1")
            if not last or now - last >= STAMP_EVERY:
                request.session[SESSION_LAST_SEEN] = now
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Sets `request.membership` and stops a pending session at every view outside its step.

    (The name predates the password step; it is the account choke point described above.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            request.membership = active_membership(  # type: ignore[attr-defined]
                request.user,
                request.session.get(SESSION_ORG),
                memberships=request_memberships(request, **{SECOND_FACTOR: second_factor_of_member()}),
            )
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        step = pending_step(request)
        request.account_step = step  # type: ignore[attr-defined]
        if step is None or step in getattr(view_func, FLOW_ATTRIBUTE, ()):
            return None
        target = STEP_URLS[step]
        if request.method == "GET" and not request.path.startswith("/api/"):
            target += "?" + urlencode({"next": request.get_full_path()})
        return redirect(target)
