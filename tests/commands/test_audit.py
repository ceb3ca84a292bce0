"""`ctm audit verify`: a clean chain passes; an edited or removed entry is reported with exit code 1."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ctm.core.enums import Role
from ctm.core.models import ActivityLog
from tests import factories as f


@pytest.fixture
def log(db):
    """A few real entries, written by domain code."""
    org = f.make_org("CHI", "MD")
    member = f.make_member(org, Role.CASEWORKER, "cw")
    for given in ("Olga", "Ion", "Maria", "Vasile"):
        f.make_case(member, given=given, family="Rusu")
    entries = list(ActivityLog.objects.order_by("id"))
    assert len(entries) >= 4
    return entries


def verify() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


def test_clean_chain_passes(log):
    code, out = verify()
    assert code == 0
    assert f"Checked {len(log)} activity-log entries." in out
    assert "intact" in out


def test_edited_entry_is_reported(log):
    target = log[1]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_activitylog SET object_label = %s WHERE id = %s", ["forged", target.pk])
    code, out = verify()
    assert code == 1
    assert f"entry {target.pk}: content changed" in out


def test_edited_header_is_reported(log):
    target = log[2]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_activitylog SET action = %s WHERE id = %s", ["cases.case.nothing", target.pk]
        )
    code, out = verify()
    assert code == 1
    assert f"entry {target.pk}: header or hash changed" in out


def test_deleted_entry_is_reported(log):
    removed, following = log[1], log[2]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_activitylog WHERE id = %s", [removed.pk])
    code, out = verify()
    assert code == 1
    assert f"entry {following.pk}: previous entry missing or changed" in out


def test_deleted_last_entry_is_reported(log):
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_activitylog WHERE id = %s", [log[-1].pk])
    code, out = verify()
    assert code == 1
    assert "end of the log: last entries removed" in out
