"""GET /organizations: the caller's organization and its offices (all of them for a platform admin)."""

from __future__ import annotations

from typing import Any

from ninja import Router

from ctm.api.auth import membership_of
from ctm.api.schemas.cases import OrganizationOut
from ctm.api.schemas.common import responses
from ctm.core.domain.queries.organizations import organizations_for_user

router = Router(tags=["organizations"])


@router.get(
    "", response=responses(200, list[OrganizationOut]), summary="List organizations and their offices"
)
def list_organizations(request: Any) -> Any:
    return list(organizations_for_user(membership_of(request)))
