"""Bearer-token authentication. The request acts through the token's membership, in its organization's
tenant scope; no session auth (no CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from ctm.accounts.domain.auth import authenticate_token
from ctm.core.models import Membership
from ctm.core.scopes import enter_request_scope


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ctm_…`: a token bound to one membership; revoked or unknown tokens get 401.

    So does a token of a user who must use two-factor that no two-factor session made
    (`authenticate_token`; docs/decisions/0701-api-tokens-and-two-factor.md).
    """

    def authenticate(self, request: HttpRequest, token: str) -> Membership | None:
        if not token.startswith("ctm_") or len(token) > 100:
            return None
        api_token = authenticate_token(token)
        if api_token is None:
            return None
        membership: Membership = api_token.membership
        request.membership = membership
        request.api_token = api_token
        # The API's choke point: the rest of the request (the operation and the serialization of its
        # answer) sees the token's organization only.
        enter_request_scope(request, membership.organization_id)
        return membership


def membership_of(request: Any) -> Membership:
    """The acting membership (set by TokenAuth; every endpoint requires it)."""
    return request.auth  # type: ignore[no-any-return]
