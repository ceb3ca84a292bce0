"""Token authentication: bearer tokens bound to one membership; anything else is 401."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from ctm.accounts.domain.auth import create_api_token, revoke_api_token
from ctm.accounts.models import ApiToken
from ctm.core.enums import Role
from ctm.core.models import Membership
from tests.api.conftest import PREFIX, Caller, World


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer ctm_not-a-real-token",
        "Bearer not-ctm",
        "Token ctm_abc",
        "Basic dXNlcjpwYXNz",
        "Bearer ctm_" + "x" * 5000,
    ],
)
def test_missing_or_bad_token_is_401(world: World, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    response = Client().get(f"{PREFIX}/cases", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_revoked_token_is_401(world: World, as_: Any) -> None:
    assert as_("caseworker").get("/cases").status_code == 200
    token = ApiToken.objects.get(membership=world.personas.caseworker)
    revoke_api_token(token, by=world.personas.caseworker.user)
    assert as_("caseworker").get("/cases").status_code == 401
    assert as_("caseworker").get(f"/cases/{world.number}/person").status_code == 401


def test_inactive_membership_or_user_is_401(world: World, as_: Any) -> None:
    Membership.objects.filter(pk=world.personas.caseworker.pk).update(is_active=False)
    assert as_("caseworker").get("/cases").status_code == 401
    user = world.personas.case_manager.user
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert as_("case_manager").get("/cases").status_code == 401


def test_session_login_does_not_authenticate_the_api(world: World) -> None:
    """No session authentication: no CSRF question, and a browser tab cannot be used against the API."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.personas.case_manager.user)
    assert client.get(f"{PREFIX}/cases").status_code == 401
    response = client.post(
        f"{PREFIX}/cases/{world.number}/notes", {"body": "x"}, content_type="application/json"
    )
    assert response.status_code == 401


def test_the_token_membership_decides_the_organization(world: World) -> None:
    """A user with memberships in two organizations acts, with a token, only in the token's one."""
    user = world.personas.case_manager.user
    elsewhere = Membership.objects.create(
        user=user, organization=world.personas.other_org, role=Role.CASE_MANAGER
    )
    _token, raw = create_api_token(elsewhere, name="elsewhere", by=user)
    caller = Caller(raw)
    numbers = {c["number"] for c in caller.get("/cases").json()["items"]}
    assert world.ids["twin_number"] in numbers and world.number not in numbers
    assert caller.get(f"/cases/{world.number}").status_code == 404


def test_answers_are_never_cached_and_token_use_is_recorded(world: World, as_: Any) -> None:
    response = as_("caseworker").get(f"/cases/{world.number}/person")
    assert response["Cache-Control"] == "no-store"
    assert Client().get(f"{PREFIX}/cases")["Cache-Control"] == "no-store"
    assert ApiToken.objects.get(membership=world.personas.caseworker).last_used_at is not None


def test_schema_is_public_but_every_endpoint_needs_a_token(world: World) -> None:
    assert Client().get(f"{PREFIX}/openapi.json").status_code == 200
    schema = Client().get(f"{PREFIX}/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("security") == [{"TokenAuth": []}], f"{method} {path}"


def test_createtoken_command_prints_a_working_token(world: World) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("createtoken", "manager", org="chi", name="script", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("ctm_")
    assert Caller(raw).get(f"/cases/{world.number}").status_code == 200
    with pytest.raises(CommandError):
        call_command("createtoken", "manager", org="OUT", stdout=StringIO())
