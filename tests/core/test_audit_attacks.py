"""Five ways someone with write access to the database (but not to CTM's keys) rewrites the activity
log. Each one must make `ctm audit verify` fail.

The attacker works with SQL only and knows the published algorithm: every hash is recomputed with
plain SHA-256 over the same canonical text, as the code before the keyed chain did. Written first and
seen passing undetected on that code (the chain was plain SHA-256 with its head in the same database,
redacted rows skipped the content check).
"""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ctm.cases.domain.notes import add_note
from ctm.core.enums import Role
from ctm.core.models import ActivityLog
from tests import factories as f

GENESIS = "0" * 64


def canonical(data) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def rows() -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, created_at, actor_id, actor_label, organization_id, action, object_type, object_id,"
            " object_label, changes FROM core_activitylog ORDER BY id"
        )
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def recompute_chain() -> None:
    """The attacker's tool: recompute every digest and hash with the public algorithm, then the head."""
    prev = GENESIS
    for row in ActivityLog.objects.order_by("id"):  # the ORM only to read typed values
        changes = row.changes
        digest = sha(canonical({"object_label": row.object_label, "changes": changes}))
        header = {
            "created_at": row.created_at.isoformat(),
            "actor_id": row.actor_id,
            "actor_label": row.actor_label,
            "organization_id": row.organization_id,
            "action": row.action,
            "object_type": row.object_type,
            "object_id": row.object_id,
        }
        new_hash = sha(canonical({"prev": prev, "header": header, "payload": digest}))
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE core_activitylog SET payload_digest = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [digest, prev, new_hash, row.pk],
            )
        prev = new_hash
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_chainhead SET last_hash = %s", [prev])


def sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def verify() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


@pytest.fixture
def log(db):
    """Two caseworkers, a few cases and notes each: entries of two users, interleaved."""
    org = f.make_org("CHI", "MD")
    alice = f.make_member(org, Role.CASEWORKER, "alice")
    mallory = f.make_member(org, Role.CASEWORKER, "mallory")
    for i in range(8):
        for member in (alice, mallory):
            case = f.make_case(member, given=f"Given{i}", family="Rusu")
            add_note(case, by=member, body=f"note {i}")
    assert ActivityLog.objects.count() >= 32
    code, out = verify()
    assert code == 0, out
    return {"alice": alice, "mallory": mallory}


def test_attack_rewrite_an_entry_and_recompute_the_chain(log):
    target = ActivityLog.objects.filter(actor_label="mallory").order_by("id")[2]
    sql("UPDATE core_activitylog SET action = %s, object_label = %s WHERE id = %s",
        ["cases.case.viewed", "nothing to see", target.pk])  # fmt: skip
    recompute_chain()
    code, out = verify()
    assert code == 1, out


def test_attack_delete_one_users_entries(log):
    sql("DELETE FROM core_activitylog WHERE actor_label = %s", ["mallory"])
    recompute_chain()
    code, out = verify()
    assert code == 1, out


def test_attack_cut_the_last_20_entries_and_move_the_head_back(log):
    ids = list(ActivityLog.objects.order_by("-id").values_list("id", flat=True)[:20])
    sql(f"DELETE FROM core_activitylog WHERE id IN ({','.join(['%s'] * len(ids))})", ids)  # noqa: S608
    new_last = ActivityLog.objects.order_by("-id").first()
    sql("UPDATE core_chainhead SET last_hash = %s", [new_last.hash])
    code, out = verify()
    assert code == 1, out


def test_attack_cut_the_tail_and_restore_a_saved_head_row_is_caught_by_a_checkpoint(log, tmp_path, settings):
    """A patient attacker saved the whole head row when the log was shorter; a checkpoint written
    outside the database since then still catches the cut."""
    settings.CTM_AUDIT_CHECKPOINT_FILE = tmp_path / "checkpoints.jsonl"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM core_chainhead")
        saved = cursor.fetchone()
        columns = [c[0] for c in cursor.description]
    from ctm.core.domain.checkpoints import write_checkpoint

    case = f.make_case(log["alice"], given="Later", family="Entry")
    add_note(case, by=log["alice"], body="written after the attacker saved the head")
    write_checkpoint()
    head_hash = saved[columns.index("last_hash")]
    last_saved_id = ActivityLog.objects.get(hash=head_hash).pk
    sql("DELETE FROM core_activitylog WHERE id > %s", [last_saved_id])
    assignments = ", ".join(f"{c} = %s" for c in columns if c != "id")
    sql(
        f"UPDATE core_chainhead SET {assignments}",  # noqa: S608  (column names read from the table)
        [v for c, v in zip(columns, saved, strict=True) if c != "id"],
    )
    code, out = verify()
    assert code == 1, out
    assert "checkpoint" in out


def test_attack_flip_redacted_to_hide_an_entry(log):
    target = ActivityLog.objects.filter(actor_label="mallory", action="cases.note.added").first()
    sql("UPDATE core_activitylog SET redacted = %s, object_label = '', changes = %s WHERE id = %s",
        [True, json.dumps({"redacted": True}), target.pk])  # fmt: skip
    code, out = verify()
    assert code == 1, out


def test_attack_recompute_the_whole_chain_with_a_forged_entry(log):
    """Insert a made-up entry in the middle and recompute everything from the genesis."""
    first = ActivityLog.objects.order_by("id")[5]
    sql(
        "UPDATE core_activitylog SET actor_label = %s, actor_id = NULL WHERE id = %s",
        ["someone-else", first.pk],
    )
    recompute_chain()
    code, out = verify()
    assert code == 1, out
