"""The second factor: enrolment, recovery codes, throttling, re-enrolment, admin reset, tokens."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken

from ctm.accounts.domain import two_factor as tf
from ctm.accounts.domain.auth import authenticate_token, create_api_token
from ctm.accounts.models import ApiToken, TotpDevice
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import ActivityLog, Membership
from tests.accounts.test_attacks import code_for, enrol, login, password_only, secret_on_page
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CODE = re.compile(r"<code>([a-z2-7]{4}-[a-z2-7]{4})</code>")


def enrol_with_codes(username: str) -> tuple[str, list[str], Client]:
    client = Client()
    login(client, username)
    secret = secret_on_page(client.get(reverse("accounts:two_factor_setup")))
    response = client.post(reverse("accounts:two_factor_setup"), {"code": code_for(secret)})
    return secret, CODE.findall(response.content.decode()), client


def test_recovery_codes_are_shown_once_stored_as_digests_and_work_once(personas):
    _secret, codes, client = enrol_with_codes("caseworker")
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get(reverse("cases:list")).status_code == 200  # the enrolling session is verified
    # never shown again: not on the account page, not on the setup page
    for page in (reverse("accounts:account"), reverse("accounts:two_factor_setup")):
        assert not CODE.findall(client.get(page).content.decode())
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert len(stored) == 10 and not stored & {c.replace("-", "") for c in codes}
    # a code lets a session in once, and is logged
    first = password_only("caseworker")
    assert first.post(reverse("accounts:two_factor"), {"code": codes[0].upper()}).status_code == 302
    assert first.get(reverse("cases:list")).status_code == 200
    assert ActivityLog.objects.filter(action="accounts.two_factor.recovery_code_used").count() == 1
    second = password_only("caseworker")
    assert second.post(reverse("accounts:two_factor"), {"code": codes[0]}).status_code == 400
    assert tf.recovery_codes_left(personas.caseworker.user) == 9


def test_throttle_doubles_the_wait_after_each_wrong_code(personas, otp_clock):
    """Guessing a million codes is out of reach: 20 wrong codes take 2**20 - 1 s (12 days) to try."""
    enrol("caseworker")
    user = personas.caseworker.user
    start = otp_clock.now()
    for n in range(1, 21):
        result = tf.verify_code(user, "000000")
        assert result.device is None and result.throttled_until is None  # tried, and wrong
        assert TotpDevice.objects.get(user=user).throttling_failure_count == n
        otp_clock.advance(2 ** (n - 1) - 0.5)
        assert tf.verify_code(user, "000000").throttled_until is not None  # too early: not even tried
        otp_clock.advance(0.5)
    assert TotpDevice.objects.get(user=user).throttling_failure_count == 20
    assert (otp_clock.now() - start).total_seconds() == 2**20 - 1


def test_wrong_code_page_says_when_to_try_again(personas, otp_clock):
    secret = enrol("caseworker")
    client = password_only("caseworker")
    client.post(reverse("accounts:two_factor"), {"code": "000000"})
    response = client.post(reverse("accounts:two_factor"), {"code": code_for(secret, 1)})
    assert response.status_code == 400 and "wait" in response.content.decode()
    otp_clock.advance(2)
    assert client.post(reverse("accounts:two_factor"), {"code": code_for(secret, 1)}).status_code == 302


def test_session_id_changes_when_the_second_factor_is_passed(personas):
    secret = enrol("caseworker")
    client = password_only("caseworker")
    before = client.session.session_key
    client.post(reverse("accounts:two_factor"), {"code": code_for(secret, 1)})
    assert client.session.session_key != before


def test_reenrolment_from_a_verified_session_replaces_the_app(personas):
    old, _codes, client = enrol_with_codes("caseworker")
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.status_code == 200 and "replaces your current" in response.content.decode()
    new = secret_on_page(response)
    assert new != old
    assert client.post(reverse("accounts:two_factor_setup"), {"code": code_for(new)}).status_code == 200
    assert TotpDevice.objects.filter(user=personas.caseworker.user).count() == 1
    assert ActivityLog.objects.filter(action="accounts.two_factor.replaced").count() == 1
    owner = password_only("caseworker")
    assert owner.post(reverse("accounts:two_factor"), {"code": code_for(old, 1)}).status_code == 400


def test_admin_resets_a_lost_second_factor(client, personas):
    secret = enrol("caseworker")
    member = personas.caseworker
    verified = Client()
    login(verified, "caseworker")
    verified.post(reverse("accounts:two_factor"), {"code": code_for(secret, 1)})
    verified.post(reverse("accounts:tokens"), {"name": "script"})
    token = ApiToken.objects.get(user=member.user)
    assert token.verified_at is not None
    client.force_login(personas.org_admin.user)
    url = reverse("accounts:reset_member_two_factor", args=[member.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not TotpDevice.objects.filter(user=member.user).exists()
    assert not StaticToken.objects.filter(device__user=member.user).exists()
    token.refresh_from_db()
    assert token.revoked_at is not None
    entry = ActivityLog.objects.get(action="accounts.two_factor.reset")
    assert entry.actor == personas.org_admin.user and entry.organization == personas.org
    # the member signs in with the password and may set up a new app
    again = password_only("caseworker")
    assert again.get(reverse("accounts:two_factor_setup")).status_code == 200


def test_resets_are_refused_outside_the_admins_reach(client, personas):
    client.force_login(personas.org_admin.user)
    for name in ("accounts:reset_member_two_factor", "accounts:reset_member_password"):
        assert client.get(reverse(name, args=[personas.outsider.pk])).status_code == 404
    with pytest.raises(InvalidTransition):
        tf.reset_two_factor(personas.org_admin, by=personas.org_admin)  # oneself: use "Your account"
    Membership.objects.create(user=personas.caseworker.user, organization=personas.other_org, role="caseworker")
    with pytest.raises(NotAllowed):  # a person another organization relies on too
        tf.reset_two_factor(personas.caseworker, by=personas.org_admin)
    with pytest.raises(NotAllowed):
        tf.reset_two_factor(personas.auditor, by=personas.case_manager)
    client.force_login(personas.case_manager.user)
    assert client.post(reverse("accounts:reset_member_two_factor", args=[personas.auditor.pk])).status_code == 403


def test_tokens_need_a_verified_session_for_two_factor_users(personas):
    secret = enrol("manager")
    membership = personas.case_manager
    with pytest.raises(NotAllowed):
        create_api_token(membership, name="x", by=membership.user)
    with pytest.raises(CommandError, match="two-factor"):
        call_command("createtoken", "manager", org="CHI", stdout=io.StringIO())
    client = password_only("manager")
    client.post(reverse("accounts:two_factor"), {"code": code_for(secret, 1)})
    response = client.post(reverse("accounts:tokens"), {"name": "verified script"})
    raw = re.search(r"ctm_[\w-]{20,}", response.content.decode()).group(0)
    assert authenticate_token(raw) is not None
    api = Client().get(
        f"/api/v1/cases/{personas.case.number}/person", headers={"Authorization": f"Bearer {raw}"}
    )
    assert api.status_code == 200


def test_setup_expires_and_a_half_done_setup_never_counts(personas):
    client = Client()
    login(client, "caseworker")
    secret_on_page(client.get(reverse("accounts:two_factor_setup")))
    assert not tf.confirmed_app(personas.caseworker.user)
    TotpDevice.objects.filter(user=personas.caseworker.user).update(created_at="2000-01-01T00:00:00Z")
    response = client.post(reverse("accounts:two_factor_setup"), {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == reverse("accounts:two_factor_setup")


@pytest.mark.django_db(transaction=True)
def test_data_migration_keeps_an_enrolled_users_factor():
    """0004 turns `User.totp_secret` into a TOTP device: the user's app keeps working, key encrypted."""
    from django.db.migrations.executor import MigrationExecutor

    old_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    executor = MigrationExecutor(connection)
    executor.migrate([("accounts", "0003_two_factor_devices")])
    executor.loader.build_graph()
    OldUser = executor.loader.project_state([("accounts", "0003_two_factor_devices")]).apps.get_model(
        "accounts", "User"
    )
    enrolled = OldUser.objects.create(username="enrolled", totp_secret=old_secret, totp_confirmed=True)
    OldUser.objects.create(username="half-way", totp_secret="KRSXG5DSNFXGOIDB", totp_confirmed=False)
    OldUser.objects.create(username="never")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    devices = TotpDevice.objects.all()
    assert [d.user_id for d in devices] == [enrolled.pk] and devices[0].confirmed
    assert devices[0].base32_key == old_secret
    with connection.cursor() as cur:
        cur.execute("SELECT key FROM accounts_totpdevice")
        assert cur.fetchone()[0].startswith("v1:")
    user = devices[0].user
    assert tf.verify_code(user, code_for(old_secret)).device is not None


def test_password_only_login_of_unenrolled_user_in_lenient_organization_is_complete(personas):
    """No requirement and no app: the password is the whole login (the demo's default)."""
    client = password_only("caseworker")
    assert client.get(reverse("cases:list")).status_code == 200
    assert client.post(LOGIN_URL := reverse("accounts:login"), {"username": "x", "password": PASSWORD}).status_code == 400
    assert LOGIN_URL == "/accounts/login/"


def test_renewed_recovery_codes_replace_the_old_ones(personas, otp_clock):
    _secret, old, client = enrol_with_codes("caseworker")
    response = client.post(reverse("accounts:renew_recovery_codes"))
    new = CODE.findall(response.content.decode())
    assert response.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    assert ActivityLog.objects.filter(action="accounts.two_factor.recovery_codes_renewed").count() == 1
    for code, works in ((old[0], False), (new[0], True)):
        other = password_only("caseworker")
        expected = 302 if works else 400
        assert other.post(reverse("accounts:two_factor"), {"code": code}).status_code == expected
        otp_clock.advance(1)  # the wait after a wrong code    # a password-only session cannot renew them (it is sent to the second factor first)
    other = password_only("caseworker")
    response = other.post(reverse("accounts:renew_recovery_codes"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
    assert tf.recovery_codes_left(personas.caseworker.user) == 9


def test_a_session_signed_in_before_the_app_was_enrolled_must_pass_it(personas):
    """The device is read with the memberships on every request (one statement), never remembered
    from the login: a password-only session of a user who enrols an app elsewhere (or whose app an
    attacker would rather not have asked) is sent to the code at its next request."""
    stale = password_only("caseworker")
    assert stale.get(reverse("cases:list")).status_code == 200
    enrol("caseworker")
    response = stale.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")


def test_a_user_without_membership_but_with_an_app_must_pass_it(personas):
    """No membership to read the device with: it is asked on its own, and still counts."""
    enrol("caseworker")
    Membership.objects.filter(user=personas.caseworker.user).update(is_active=False)
    client = password_only("caseworker")
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
