"""`ctm createuser`: a user with a membership, logged; clear errors for what does not exist."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from ctm.accounts.models import User
from ctm.core.domain.activity import verify_chain
from ctm.core.models import ActivityLog, Membership
from tests import factories as f

PASSWORD = "a-long-enough-passphrase-42"


@pytest.fixture
def org(db):
    return f.make_org("CHI", "MD")


def test_creates_user_membership_and_log_entry(org):
    out = io.StringIO()
    call_command(
        "createuser",
        "olena",
        "--org",
        "chi",
        "--role",
        "case_manager",
        "--office",
        "FLD",
        "--password",
        PASSWORD,
        stdout=out,
    )
    user = User.objects.get(username="olena")
    assert user.check_password(PASSWORD)
    assert not user.is_superuser
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role, membership.office.code) == (org, "case_manager", "FLD")
    entry = ActivityLog.objects.get(action="accounts.user.created", object_id=str(user.pk))
    assert entry.organization == org
    assert entry.changes["role"] == [None, "case_manager"]
    assert "Created user olena as case_manager in CHI" in out.getvalue()
    assert verify_chain()[1] == []


def test_password_from_stdin_and_platform_admin(org, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    call_command(
        "createuser",
        "root2",
        "--org",
        "CHI",
        "--role",
        "org_admin",
        "--password-stdin",
        "--platform-admin",
        stdout=io.StringIO(),
    )
    user = User.objects.get(username="root2")
    assert user.is_superuser and user.check_password(PASSWORD)


def test_platform_admin_without_organization(db):
    call_command("createuser", "platform", "--platform-admin", "--password", PASSWORD, stdout=io.StringIO())
    assert User.objects.get(username="platform").is_superuser
    assert not Membership.objects.filter(user__username="platform").exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--org", "NOPE", "--role", "caseworker"], "Unknown organization 'NOPE' (known codes: CHI)"),
        (["--org", "CHI", "--role", "boss"], "Unknown role 'boss'"),
        (["--org", "CHI", "--role", "caseworker", "--office", "XX"], "Unknown office 'XX' in CHI"),
        (["--role", "caseworker"], "--org and --role are required"),
        (["--org", "CHI", "--role", "caseworker", "--password", "short"], "Password refused"),
    ],
)
def test_refuses_with_a_clear_message(org, argv, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("createuser", "someone", *argv, stdout=io.StringIO())
    assert not User.objects.filter(username="someone").exists()
    assert not ActivityLog.objects.filter(action="accounts.user.created").exists()


def test_refuses_an_existing_username(org):
    f.make_member(org, "caseworker", "taken")
    with pytest.raises(CommandError, match="already exists"):
        call_command("createuser", "Taken", "--org", "CHI", "--role", "caseworker", stdout=io.StringIO())
