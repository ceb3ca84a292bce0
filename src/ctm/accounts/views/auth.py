"""Login (django-axes lockout), logout, the second factor (django-otp), password change, own account.

These are the only views a session that has not finished logging in may reach, each for its step
(`account_flow`, checked in `ctm.accounts.middleware.TwoFactorRequiredMiddleware`).
"""

from __future__ import annotations

import io
import logging
from typing import Any

import django_otp
import qrcode
import qrcode.image.svg
from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from ctm.accounts.domain import auth as auth_domain
from ctm.accounts.domain import passwords
from ctm.accounts.domain import two_factor as tf
from ctm.accounts.domain.preferences import set_notification_email
from ctm.accounts.forms import (
    LoginForm,
    NotificationEmailForm,
    PasswordChangeForm,
    SecondFactorForm,
    TotpForm,
)
from ctm.accounts.middleware import ALL_STEPS, ENROL, PASSWORD, SESSION_ORG, VERIFY, account_flow
from ctm.core.domain.queries.memberships import memberships_for_user
from ctm.core.errors import InvalidTransition
from ctm.core.panels import warm_at_sign_in

# The home page sends each role where its work is (the case list for those who read cases).
HOME = "/"
logger = logging.getLogger(__name__)
GET_POST = require_http_methods(["GET", "POST"])


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or HOME
    return (
        target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else HOME
    )


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


def lockout_response(request: HttpRequest, response: HttpResponse, credentials: Any = None) -> HttpResponse:
    """django-axes' lockout answer: the login page already says it, the same way for every name."""
    return response


@account_flow(*ALL_STEPS)
@GET_POST
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username, password = form.cleaned_data["username"], form.cleaned_data["password"]
        authed = authenticate(request, username=username, password=password)
        if authed is not None:
            login(request, authed)
            auth_domain.register_successful_login(authed)
            _warm_dashboard(authed)
            return redirect(_next_url(request))
        auth_domain.register_failed_login(username)
        # Axes counts failures per username, known or not: a locked and an unknown name read alike.
        if AxesProxyHandler.is_locked(request, {"username": username}):
            form.add_error(
                None,
                _(
                    "Too many failed attempts with this username: it is locked for a while. Try again later or ask your administrator."
                ),
            )
        else:
            form.add_error(None, _("The username or password is not right."))
    return render(
        request,
        "accounts/login.html",
        {"form": form, "timeout": "timeout" in request.GET, "next": _next_url(request)},
        status=_status(request),
    )


def _warm_dashboard(user: Any) -> None:
    """A manager's dashboard counted by the worker while they reach their case list
    (`ctm.core.panels.warm_at_sign_in`). A sign-in never fails for it: a database too busy to
    start the row (SQLite) leaves the first visit to count, as it did before."""
    try:
        warm_at_sign_in(memberships_for_user(user))
    except DatabaseError as exc:
        logger.warning("dashboard not warmed at sign-in: %s", type(exc).__name__)


@account_flow(*ALL_STEPS)
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


def _wait_message(until: Any) -> str:
    seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
    return ngettext(
        "Too many wrong codes: wait %(n)d second before the next try.",
        "Too many wrong codes: wait %(n)d seconds before the next try.",
        seconds,
    ) % {"n": seconds}


def _verified(request: HttpRequest, device: Any) -> None:
    request.session.cycle_key()  # a new session id once the second factor is passed
    django_otp.login(request, device)


@account_flow(VERIFY)
@login_required
@GET_POST
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """The second step of a login: the app's code, or a recovery code."""
    step = getattr(request, "account_step", None)
    if step == ENROL:
        return redirect("accounts:two_factor_setup")
    if step != VERIFY:
        return redirect(_next_url(request))
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = tf.verify_code(request.user, form.cleaned_data["code"])
        if result.device is not None:
            _verified(request, result.device)
            return redirect(_next_url(request))
        if result.throttled_until is not None:
            form.add_error("code", _wait_message(result.throttled_until))
        else:
            form.add_error(
                "code", _("This code is not valid. Check your device's clock and try again.")
            )
    return render(
        request, "accounts/two_factor.html", {"form": form, "next": _next_url(request)}, status=_status(request)
    )


def _qr_svg(device: Any) -> str:
    buffer = io.BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return buffer.getvalue().decode()


@account_flow(ENROL)
@login_required
@GET_POST
def two_factor_setup_view(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app; with one already, only from a session that passed it."""
    user = request.user
    if auth_domain.has_second_factor(user) and not user.is_verified():
        return redirect("accounts:two_factor")  # the middleware already did; never re-enrol on a password
    device = tf.pending_app(user, new=request.method == "GET")
    if device is None:  # the setup expired between the page and the answer
        return redirect("accounts:two_factor_setup")
    form = TotpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        result, codes = tf.confirm_app(user, device, form.cleaned_data["code"])
        if result.device is not None:
            _verified(request, result.device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": HOME})
        if result.throttled_until is not None:
            form.add_error("code", _wait_message(result.throttled_until))
        else:
            form.add_error(
                "code", _("This code is not valid. Scan the code again and enter the current six digits.")
            )
    context = {
        "form": form,
        "qr_svg": _qr_svg(device),
        "secret": device.base32_key,
        "replacing": auth_domain.has_second_factor(user),
    }
    return render(request, "accounts/two_factor_setup.html", context, status=_status(request))


@login_required
@require_POST
def renew_recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """New recovery codes, shown once; only a session that passed the app gets here (choke point)."""
    try:
        codes = tf.renew_recovery_codes(request.user)
    except InvalidTransition:
        return redirect("accounts:account")
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "next": "/accounts/me/", "renewed": True})


@account_flow(PASSWORD)
@login_required
@GET_POST
def password_change_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            passwords.change_password(user, old=d["old_password"], new=d["new_password1"])
        except InvalidTransition as exc:
            for field, errors in exc.error_dict.items():
                form.add_error(field, errors)
        else:
            update_session_auth_hash(request, user)  # this session stays signed in; others end
            messages.success(request, _("Your password was changed."))
            return redirect(_next_url(request))
    context = {"form": form, "forced": user.must_change_password, "next": _next_url(request)}
    return render(request, "accounts/password_change.html", context, status=_status(request))


@login_required
@require_http_methods(["GET"])
def account_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "has_app": auth_domain.has_second_factor(user),
        "codes_left": tf.recovery_codes_left(user),
        "required": auth_domain.organization_requires_two_factor(request.membership),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("organization")
    for membership in memberships_for_user(request.user):
        if str(membership.organization_id) == wanted:
            request.session[SESSION_ORG] = membership.organization_id
    return redirect(HOME)


@login_required
@require_http_methods(["GET", "POST"])
def notification_email_view(request: HttpRequest) -> HttpResponse:
    """Opt in or out of e-mails announcing one's notifications (they never name a person or a case)."""
    user = request.user
    initial = {"notify_by_email": user.notify_by_email, "email": user.email}
    form = NotificationEmailForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        membership = getattr(request, "membership", None)
        set_notification_email(
            user,
            enabled=form.cleaned_data["notify_by_email"],
            email=form.cleaned_data["email"],
            organization=membership.organization if membership else None,
        )
        messages.success(request, _("Saved."))
        return redirect("accounts:account")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/notification_email.html", {"form": form}, status=status)
