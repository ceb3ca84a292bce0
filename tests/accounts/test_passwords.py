"""Passwords: own change, admin reset (changed at next login), Django's validators everywhere."""

from __future__ import annotations

import html
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from ctm.accounts.domain import passwords
from ctm.accounts.models import User
from ctm.core.errors import InvalidTransition
from ctm.core.models import ActivityLog
from tests.accounts.test_attacks import login, password_only
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW = "violet-harbour-lantern-93"
WEAK = ["aaaaaaaaaaaa", "password1234", "123456789012", "qwertyuiopas", "abcdefghijkl", "Password2026!"]


def test_user_changes_their_password(personas):
    client = password_only("caseworker")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302
    assert client.get(reverse("cases:list")).status_code == 200  # this session stays signed in
    user = User.objects.get(username="caseworker")
    assert user.check_password(NEW)
    assert ActivityLog.objects.filter(action="accounts.password.changed", actor=user).count() == 1


@pytest.mark.parametrize("weak", WEAK)
def test_weak_new_password_is_a_field_error(personas, weak):
    client = password_only("caseworker")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": weak, "new_password2": weak},
    )
    assert response.status_code == 400
    assert 'id="id_new_password1_error"' in response.content.decode()
    assert User.objects.get(username="caseworker").check_password(PASSWORD)


def test_wrong_old_password_or_mismatch_changes_nothing(personas):
    client = password_only("caseworker")
    for data in (
        {"old_password": "not-it", "new_password1": NEW, "new_password2": NEW},
        {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"},
    ):
        assert client.post(reverse("accounts:password_change"), data).status_code == 400
    assert User.objects.get(username="caseworker").check_password(PASSWORD)


def test_admin_resets_a_password_and_the_member_must_change_it(client, personas):
    member = personas.caseworker
    old_session = password_only("caseworker")
    client.force_login(personas.org_admin.user)
    url = reverse("accounts:reset_member_password", args=[member.pk])
    assert client.post(url, {"password": "aaaaaaaaaaaa"}).status_code == 400  # validators here too
    assert client.post(url, {"password": "temporary-copper-kettle-51"}).status_code == 302
    entry = ActivityLog.objects.get(action="accounts.password.reset")
    assert entry.actor == personas.org_admin.user and entry.organization == personas.org
    # the member's open session ended; the next login must choose a new password before anything else
    assert old_session.get(reverse("cases:list")).status_code == 302
    fresh = Client()
    assert login(fresh, "caseworker", "temporary-copper-kettle-51").status_code == 302
    response = fresh.get(reverse("cases:list"))
    assert response["Location"].startswith("/accounts/password/")
    assert "temporary password" in fresh.get(reverse("accounts:password_change")).content.decode()
    fresh.post(
        reverse("accounts:password_change"),
        {"old_password": "temporary-copper-kettle-51", "new_password1": NEW, "new_password2": NEW},
    )
    assert fresh.get(reverse("cases:list")).status_code == 200
    assert not User.objects.get(username="caseworker").must_change_password


@pytest.mark.parametrize("weak", WEAK)
def test_validators_refuse_weak_passwords_everywhere(personas, weak):
    with pytest.raises(InvalidTransition):
        passwords.reset_password(personas.caseworker, by=personas.org_admin, password=weak)
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Password refused"):
        call_command(
            "createuser",
            "weak",
            "--org",
            "CHI",
            "--role",
            "caseworker",
            "--password",
            weak,
            stdout=io.StringIO(),
        )
    client = Client()
    client.force_login(personas.org_admin.user)
    response = client.post(
        reverse("core:new_member"), {"username": "weak", "password": weak, "role": "caseworker"}
    )
    assert response.status_code == 400


def test_password_like_the_username_is_refused(personas):
    with pytest.raises(InvalidTransition):
        passwords.reset_password(personas.caseworker, by=personas.org_admin, password="caseworker2026")


def test_the_password_rules_read_in_french(personas):
    """The strength rule's help text and its refusal (zxcvbn's words) are in the reader's language."""
    client = password_only("caseworker")
    page = html.unescape(
        client.get(reverse("accounts:password_change"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    )
    assert "Il n'y a pas de règle absolue" in page
    assert "There is no specific rule" not in page and "We expect a password" not in page
    refused = html.unescape(
        client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": "qwertyuiopas", "new_password2": "qwertyuiopas"},
            HTTP_ACCEPT_LANGUAGE="fr",
        ).content.decode()
    )
    assert "Attention :" in refused or "Conseil :" in refused or "Attention :" in refused
    for english in ("Warning:", "Advice:", "is too easy", "Add another word"):
        assert english not in refused, english
