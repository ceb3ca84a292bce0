"""Login with lockout, logout, two-factor verification and setup."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ctm.accounts.domain import auth as auth_domain
from ctm.accounts.forms import LoginForm, TotpForm
from ctm.accounts.middleware import SESSION_2FA_OK, SESSION_ORG
from ctm.accounts.models import User
from ctm.core.domain.queries.memberships import memberships_for_user

# The home page sends each role where its work is (the case list for those who read cases).
HOME = "/"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or HOME
    return (
        target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else HOME
    )


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = User.objects.filter(username=username).first()
        if user is not None and auth_domain.is_locked(user):
            form.add_error(
                None,
                _(
                    "Too many failed attempts: this account is locked for a while. Try again later or ask your administrator."
                ),
            )
        else:
            authed = authenticate(request, username=username, password=form.cleaned_data["password"])
            if authed is None:
                if user is not None:
                    auth_domain.register_failed_login(user)
                form.add_error(None, _("The username or password is not right."))
            else:
                login(request, authed)
                auth_domain.register_successful_login(authed)
                return redirect(_next_url(request))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "accounts/login.html",
        {"form": form, "timeout": "timeout" in request.GET, "next": _next_url(request)},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.totp_confirmed:
        return redirect("accounts:two_factor_setup")
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if auth_domain.check_totp(user, form.cleaned_data["code"]):
            request.session[SESSION_2FA_OK] = True
            return redirect(_next_url(request))
        form.add_error("code", _("This code is not valid. Check your device's clock and try again."))
    return render(
        request, "accounts/two_factor.html", {"form": form}, status=400 if request.method == "POST" else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "GET" or not user.totp_secret:
        auth_domain.start_totp_setup(user)
    form = TotpForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if auth_domain.confirm_totp(user, form.cleaned_data["code"]):
            request.session[SESSION_2FA_OK] = True
            return redirect(HOME)
        form.add_error(
            "code", _("This code is not valid. Scan the code again and enter the current six digits.")
        )
    buffer = io.BytesIO()
    qrcode.make(auth_domain.totp_uri(user), image_factory=qrcode.image.svg.SvgPathImage).save(buffer)
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_svg": buffer.getvalue().decode(), "secret": user.totp_secret},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def switch_organization(request: HttpRequest) -> HttpResponse:
    wanted = request.POST.get("organization")
    for membership in memberships_for_user(request.user):
        if str(membership.organization_id) == wanted:
            request.session[SESSION_ORG] = membership.organization_id
    return redirect(HOME)
