"""Login protection, idle timeout and two-factor authentication."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ctm.core.domain import organizations as org_domain
from tests.accounts.test_attacks import code_for, secret_on_page
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_failed_logins_lock_the_account_and_are_logged(client, personas, settings):
    from ctm.core.models import ActivityLog

    for _ in range(settings.CTM_LOCKOUT_THRESHOLD):
        client.post(reverse("accounts:login"), {"username": "manager", "password": "nope"})
    r = client.post(reverse("accounts:login"), {"username": "manager", "password": PASSWORD})
    assert r.status_code == 400 and "locked" in r.content.decode()
    assert ActivityLog.objects.filter(action="accounts.user.locked").count() == 1
    assert ActivityLog.objects.filter(action="accounts.login.failed").count() == settings.CTM_LOCKOUT_THRESHOLD + 1


def test_unknown_user_gets_the_same_message(client, personas):
    a = client.post(reverse("accounts:login"), {"username": "nobody", "password": "x"}).content.decode()
    b = client.post(reverse("accounts:login"), {"username": "manager", "password": "x"}).content.decode()
    assert "The username or password is not right." in a and "The username or password is not right." in b


def test_open_redirect_is_refused(client, personas):
    r = client.post(
        reverse("accounts:login"),
        {"username": "manager", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert r["Location"] == "/"


@pytest.mark.parametrize("role", ["caseworker", "data_manager", "fund_reviewer", "auditor"])
def test_every_role_lands_on_a_page_it_may_see_after_login(client, personas, role):
    """Login goes home, and home sends each role to its work: never to a page that refuses it."""
    membership = getattr(personas, role)
    r = client.post(reverse("accounts:login"), {"username": membership.user.username, "password": PASSWORD},
                    follow=True)
    assert r.status_code == 200, (role, r.redirect_chain)


def test_idle_session_is_logged_out(client, personas, settings):
    import datetime

    client.force_login(personas.caseworker.user)
    assert client.get(reverse("cases:list")).status_code == 200
    settings.CTM_IDLE_TIMEOUT = datetime.timedelta(seconds=-1)
    r = client.get(reverse("cases:list"))
    assert r.status_code == 302 and "timeout" in r["Location"]


def test_organization_requiring_two_factor(client, personas, otp_clock):
    org_domain.update_organization(personas.org, by=personas.org_admin, data={"require_two_factor": True})
    client.post(reverse("accounts:login"), {"username": "caseworker", "password": PASSWORD})
    r = client.get(reverse("cases:list"))
    assert r.status_code == 302 and r["Location"].startswith("/accounts/two-factor/setup/")
    secret = secret_on_page(client.get(r["Location"]))
    r = client.post(reverse("accounts:two_factor_setup"), {"code": "000000"})
    assert r.status_code == 400
    otp_clock.advance(1)  # django-otp makes the next try wait a second after a wrong code
    r = client.post(reverse("accounts:two_factor_setup"), {"code": code_for(secret)})
    assert r.status_code == 200 and "recovery codes" in r.content.decode()
    assert client.get(reverse("cases:list")).status_code == 200
    # next login asks for the code
    client.logout()
    client.post(reverse("accounts:login"), {"username": "caseworker", "password": PASSWORD})
    assert client.get(reverse("cases:list"))["Location"].startswith("/accounts/two-factor/?")
    client.post(reverse("accounts:two_factor"), {"code": code_for(secret, 1)})
    assert client.get(reverse("cases:list")).status_code == 200


def test_totp_key_is_encrypted(personas):
    from django.db import connection

    from ctm.accounts.domain.two_factor import pending_app

    device = pending_app(personas.caseworker.user, new=True)
    with connection.cursor() as cur:
        cur.execute("SELECT key FROM accounts_totpdevice WHERE id = %s", [device.pk])
        stored = cur.fetchone()[0]
    assert device.key not in stored and device.base32_key not in stored and stored.startswith("v1:")


def test_security_headers(client, personas):
    client.force_login(personas.caseworker.user)
    r = client.get(reverse("cases:detail", args=[personas.case.number]))
    assert "default-src 'self'" in r["Content-Security-Policy"]
    assert r["Cache-Control"] == "no-store"
    assert r["X-Frame-Options"] == "DENY"
