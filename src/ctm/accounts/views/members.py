"""An organization admin resets a member's password or lost second factor (both logged)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ctm.accounts.domain import passwords
from ctm.accounts.domain import two_factor as tf
from ctm.accounts.forms import ResetPasswordForm
from ctm.core import rules
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import Membership

GET_POST = require_http_methods(["GET", "POST"])


def _member(request: HttpRequest, pk: int) -> tuple[Any, Membership]:
    """The acting admin and the member of the admin's organization (404 for anyone else's)."""
    by = request.membership
    if not rules.can_manage_users(by):
        raise PermissionDenied
    member = (
        Membership.objects.filter(organization=by.organization, pk=pk).select_related("user", "organization").first()
    )
    if member is None:
        raise Http404
    return by, member


def _page(request: HttpRequest, member: Membership, status: int, **context: Any) -> HttpResponse:
    return render(request, "accounts/member_reset.html", {"member": member, **context}, status=status)


@login_required
@GET_POST
def reset_password_view(request: HttpRequest, pk: int) -> HttpResponse:
    by, member = _member(request, pk)
    form = ResetPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            passwords.reset_password(member, by=by, password=form.cleaned_data["password"])
        except InvalidTransition as exc:
            errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.messages}
            for field, messages_ in errors.items():
                form.add_error(field if field in form.fields else None, messages_)
        except NotAllowed as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("%(user)s must choose a new password at the next login.") % {"user": member.user.username}
            )
            return redirect("core:edit_member", pk=member.pk)
    return _page(
        request,
        member,
        400 if request.method == "POST" else 200,
        form=form,
        title=_("Reset the password of %(user)s") % {"user": member.user.username},
        explanation=_(
            "The person's open sessions end. They sign in with the temporary password (and their second factor) and must then choose their own."
        ),
        action=_("Set the temporary password"),
    )


@login_required
@GET_POST
def reset_two_factor_view(request: HttpRequest, pk: int) -> HttpResponse:
    by, member = _member(request, pk)
    error = None
    if request.method == "POST":
        try:
            revoked = tf.reset_two_factor(member, by=by)
        except (InvalidTransition, NotAllowed) as exc:
            error = " ".join(getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(
                request,
                _("The second factor of %(user)s was removed (%(n)d API tokens revoked): they set up a new one at the next login.")
                % {"user": member.user.username, "n": revoked},
            )
            return redirect("core:edit_member", pk=member.pk)
    if error:
        messages.error(request, error)
    return _page(
        request,
        member,
        400 if error else 200,
        title=_("Reset the second factor of %(user)s") % {"user": member.user.username},
        explanation=_(
            "Do this only after checking who is asking, for example in person or by a call you place yourself: whoever knows the password can then set up a new app. The person's recovery codes and API tokens stop working."
        ),
        action=_("Remove the second factor"),
    )
