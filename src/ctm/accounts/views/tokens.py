"""API tokens: a user creates and revokes their own tokens (shown once, stored hashed).

A token created here records whether this session passed two-factor: a token of a membership that
requires two-factor works only if it did (docs/decisions/0701-api-tokens-and-two-factor.md).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from ctm.accounts.domain.auth import create_api_token, get_own_token, revoke_api_token
from ctm.accounts.forms import TokenForm
from ctm.accounts.models import ApiToken


@login_required
@require_http_methods(["GET", "POST"])
def tokens_view(request: HttpRequest) -> HttpResponse:
    membership = request.membership
    if membership is None:
        raise PermissionDenied
    form = TokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        _token, new_token = create_api_token(
            membership, name=form.cleaned_data["name"], by=request.user, verified=request.user.is_verified()
        )
        form = TokenForm()
    tokens = ApiToken.objects.filter(user=request.user).select_related("membership__organization")
    return render(request, "accounts/tokens.html", {"form": form, "tokens": tokens, "new_token": new_token})


@login_required
@require_POST
def revoke_token_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_own_token(request.membership, request.user, pk)
    revoke_api_token(token, by=request.user)
    return redirect("accounts:tokens")
