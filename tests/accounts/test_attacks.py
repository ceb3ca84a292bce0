"""Attacks on the login, the second factor and API tokens, written as an attacker would try them.

Each test drives the real pages over HTTP (no shortcut into the session), so the same test ran on
the code before the two-factor rework and failed there; see the changelog for which ones.
"""

from __future__ import annotations

import re
import time
from base64 import b32decode

import pytest
from django.contrib.auth import hashers
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from ctm.accounts.models import ApiToken
from ctm.core.domain import organizations as org_domain
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def code_for(secret: str, steps: int = 0) -> str:
    """The code an authenticator app shows for a base32 key, `steps` periods from now."""
    totp = TOTP(b32decode(secret.replace(" ", "")), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time() + 30 * steps
    return f"{totp.token():06d}"


def login(client: Client, username: str, password: str = PASSWORD):
    return client.post(LOGIN, {"username": username, "password": password})


def secret_on_page(response) -> str:
    match = re.search(r'class="secret"[^>]*>\s*([A-Z2-7 ]{16,})\s*<', response.content.decode())
    assert match, "the setup page shows the key to type by hand"
    return match.group(1).replace(" ", "")


def enrol(username: str) -> str:
    """Log in, enrol an authenticator through the setup page, log out; returns the base32 key."""
    client = Client()
    login(client, username)
    secret = secret_on_page(client.get(reverse("accounts:two_factor_setup")))
    response = client.post(reverse("accounts:two_factor_setup"), {"code": code_for(secret)})
    assert response.status_code in (200, 302) and b'class="secret"' not in response.content
    return secret


@pytest.fixture
def strict(personas):
    """Home requires two-factor; the case manager has enrolled an authenticator (the owner's phone)."""
    org_domain.update_organization(personas.org, by=personas.org_admin, data={"require_two_factor": True})
    personas.manager_secret = enrol("manager")
    return personas


def password_only(username: str = "manager") -> Client:
    client = Client()
    assert login(client, username).status_code == 302
    return client


# --- the bypass: a password-only session mints a token and reads a person ------------------------


def test_password_only_session_cannot_open_the_tokens_page(strict):
    client = password_only()
    response = client.get(reverse("accounts:tokens"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")


def test_password_only_session_cannot_mint_a_token_or_read_a_person(strict):
    client = password_only()
    response = client.post(reverse("accounts:tokens"), {"name": "exfiltration"})
    assert not ApiToken.objects.filter(name="exfiltration").exists()
    raw = re.search(r"ctm_[\w-]{20,}", response.content.decode())
    if raw:  # the page leaked a token: it must at least not work
        api = Client().get(
            f"/api/v1/cases/{strict.case.number}/person", headers={"Authorization": f"Bearer {raw.group(0)}"}
        )
        assert api.status_code == 401 and b"Petrova" not in api.content


def test_token_minted_before_two_factor_was_required_stops_working(personas):
    """A token made by a password-only session is refused once its organization requires two-factor."""
    client = password_only("manager")
    response = client.post(reverse("accounts:tokens"), {"name": "old script"})
    raw = re.search(r"ctm_[\w-]{20,}", response.content.decode()).group(0)
    headers = {"Authorization": f"Bearer {raw}"}
    assert Client().get(f"/api/v1/cases/{personas.case.number}", headers=headers).status_code == 200
    org_domain.update_organization(personas.org, by=personas.org_admin, data={"require_two_factor": True})
    response = Client().get(f"/api/v1/cases/{personas.case.number}/person", headers=headers)
    assert response.status_code == 401 and b"Petrova" not in response.content


# --- the takeover: re-enrolment with only the password -------------------------------------------


def test_setup_page_does_not_reenrol_a_password_only_session(strict):
    client = password_only()
    response = client.get(reverse("accounts:two_factor_setup"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/two-factor/")
    assert b'class="secret"' not in response.content
    # an attacker posting to the setup page anyway gets nothing, and the owner's app still works
    client.post(reverse("accounts:two_factor_setup"), {"code": "123456"})
    assert client.get(reverse("cases:list")).status_code == 302
    owner = password_only()
    response = owner.post(reverse("accounts:two_factor"), {"code": code_for(strict.manager_secret, 1)})
    assert response.status_code == 302
    assert owner.get(reverse("cases:list")).status_code == 200


# --- guessing and replaying codes ----------------------------------------------------------------


def test_sixty_wrong_codes_then_the_right_one_is_refused(strict, otp_clock):
    """django-otp's throttle: after a wrong code the next try waits 1 s, then 2, 4, 8 … (clock frozen
    here, so the test does not depend on how fast the machine posts 61 forms)."""
    client = password_only()
    right = code_for(strict.manager_secret)
    wrong = [f"{(int(right) + n) % 1_000_000:06d}" for n in range(1000, 1060)]
    for code in wrong:
        client.post(reverse("accounts:two_factor"), {"code": code})
    client.post(reverse("accounts:two_factor"), {"code": right})
    assert client.get(reverse("cases:list")).status_code == 302


def test_a_code_is_accepted_once(strict):
    """A code seen over a shoulder (or logged by malware) and replayed in a second session is refused."""
    code = code_for(strict.manager_secret, 1)
    first = password_only()
    assert first.post(reverse("accounts:two_factor"), {"code": code}).status_code == 302
    assert first.get(reverse("cases:list")).status_code == 200
    second = password_only()
    second.post(reverse("accounts:two_factor"), {"code": code})
    assert second.get(reverse("cases:list")).status_code == 302


# --- enumeration: unknown, wrong, locked ----------------------------------------------------------


def _login_answer(username: str, password: str) -> tuple[int, str]:
    response = Client().post(LOGIN, {"username": username, "password": password})
    summary = re.search(r'id="error-summary">(.*?)</div>', response.content.decode(), flags=re.S)
    return response.status_code, re.sub(r"\s+", " ", summary.group(1)) if summary else ""


def test_locked_and_unknown_accounts_get_the_same_answer(personas, settings):
    for _ in range(settings.CTM_LOCKOUT_THRESHOLD + 1):
        _login_answer("manager", "wrong-password")
        _login_answer("nobody-here", "wrong-password")
    assert _login_answer("manager", "wrong-password") == _login_answer("nobody-here", "wrong-password")
    # the right password for a locked account gets the very same answer: it reveals nothing
    assert _login_answer("manager", PASSWORD) == _login_answer("nobody-here", PASSWORD)


@pytest.mark.parametrize("locked", [False, True])
def test_unknown_and_known_accounts_cost_the_same_hashing(personas, settings, monkeypatch, locked):
    """Timing: the password hasher runs as often for an unknown username as for a known one."""
    calls = []
    hasher = type(hashers.get_hasher())
    real = hasher.encode

    def counting(self, password, salt, *args, **kwargs):
        calls.append(1)
        return real(self, password, salt, *args, **kwargs)

    monkeypatch.setattr(hasher, "encode", counting)
    if locked:
        for _ in range(settings.CTM_LOCKOUT_THRESHOLD + 1):
            _login_answer("manager", "wrong-password")
            _login_answer("nobody-here", "wrong-password")
    counts = []
    for username in ("manager", "nobody-here"):
        calls.clear()
        _login_answer(username, "wrong-password")
        counts.append(len(calls))
    assert counts[0] == counts[1], counts


def test_add_member_form_does_not_reveal_other_organizations_usernames(client, personas):
    """An org admin cannot learn whether a username exists in another organization."""
    client.force_login(personas.org_admin.user)
    answers = []
    for username in ("outsider", "nobody-at-all"):  # `outsider` is a user of the other organization
        response = client.post(
            reverse("core:new_member"),
            {"username": username, "password": "a-long-enough-passphrase-42", "role": "caseworker"},
        )
        answers.append(response.status_code)
    assert answers == [302, 302]
    personas.outsider.user.refresh_from_db()
    assert personas.outsider.user.check_password(PASSWORD)  # untouched


# --- password rules everywhere a password is set --------------------------------------------------


def test_weak_password_refused_on_the_add_member_form(client, personas):
    client.force_login(personas.org_admin.user)
    response = client.post(
        reverse("core:new_member"), {"username": "weakling", "password": "aaaaaaaaaaaa", "role": "caseworker"}
    )
    assert response.status_code == 400


def test_weak_password_refused_by_createuser(personas):
    import io

    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Password refused"):
        call_command(
            "createuser",
            "weakling",
            "--org",
            "CHI",
            "--role",
            "caseworker",
            "--password",
            "aaaaaaaaaaaa",
            stdout=io.StringIO(),
        )


# --- revoking a token that is not yours: a refused attempt, where both auditors see it -------------


def test_revoking_someone_elses_token_is_a_security_event(personas):
    from ctm.accounts.domain.auth import create_api_token
    from ctm.core.models import ActivityLog

    p = personas
    victim_token, _raw = create_api_token(p.outsider, name="their script", by=p.outsider.user)
    client = Client()
    client.force_login(p.caseworker.user)
    before = ActivityLog.objects.order_by("-id").values_list("id", flat=True).first()
    for pk in (victim_token.pk, 999999):  # another user's token, then one that does not exist
        response = client.post(reverse("accounts:revoke_token", args=[pk]))
        assert response.status_code == 404
    assert ApiToken.objects.get(pk=victim_token.pk).revoked_at is None
    events = list(ActivityLog.objects.filter(id__gt=before).order_by("id"))
    assert [(e.action, e.organization_id, e.object_label) for e in events] == [
        ("security.api_token.refused", p.org.pk, str(victim_token.pk)),
        ("security.api_token.refused", p.other_org.pk, str(victim_token.pk)),
        ("security.api_token.refused", p.org.pk, "999999"),
    ]
    assert {e.actor_id for e in events} == {p.caseworker.user_id}
    # the token owner's auditor sees who tried
    from ctm.core.enums import Role
    from tests import factories as f

    client.force_login(f.make_member(p.other_org, Role.AUDITOR, "their_auditor").user)
    body = client.get(reverse("core:activity"), {"security": "on"}).content.decode()
    assert "security.api_token.refused" in body and p.caseworker.user.username in body
