"""Rotation of the activity log's key (`ctm audit rotate`, ctm.core.domain.resealing).

After a new key is put first in CTM_AUDIT_KEYS and the log re-sealed, the old key leaves the ring and
every entry — redacted ones and their erasure included — still verifies; the rotation is on record.
Then the attacks of test_audit_attacks, and one by someone who kept the old key, are all detected.
"""

from __future__ import annotations

import base64
import io
import json

import pytest
from django.core.management import CommandError, call_command

from ctm.cases.domain.notes import add_note
from ctm.core import audit_crypto
from ctm.core.domain.checkpoints import write_checkpoint
from ctm.core.models import ActivityLog, ChainHead
from tests.core.test_audit_attacks import recompute_chain, sql, verify
from tests.core.test_audit_chain import erased  # noqa: F401  (the fixture: a log with an erasure)

NEW = "r2:" + base64.urlsafe_b64encode(bytes(range(32))).decode()


@pytest.fixture
def rotated(erased, settings):  # noqa: F811
    """The log (with an erasure and a checkpoint under the old key), re-sealed under NEW; then the
    old key is removed from the ring."""
    write_checkpoint()
    old_ring, old_id = settings.CTM_AUDIT_KEYS, audit_crypto.current_key_id()
    old_head = ChainHead.objects.get(pk=1).last_hash
    before = ActivityLog.objects.count()
    settings.CTM_AUDIT_KEYS = f"{NEW},{old_ring}"
    out = io.StringIO()
    call_command("audit", "rotate", stdout=out)
    assert "Re-sealed" in out.getvalue()
    settings.CTM_AUDIT_KEYS = NEW  # the old key is gone
    return {**erased, "old_ring": old_ring, "old_id": old_id, "old_head": old_head, "before": before}


def test_after_rotation_the_log_verifies_under_the_new_key_alone(rotated):
    assert set(ActivityLog.objects.values_list("key_id", flat=True)) == {"r2"}
    entry = ActivityLog.objects.order_by("-id").first()
    assert entry.action == "core.audit.resealed"
    assert entry.changes["from_keys"][1] == [rotated["old_id"]]
    assert entry.changes["entries"][1] == rotated["before"]
    assert entry.changes["previous_head"][1] == rotated["old_head"]  # what old checkpoints hold
    assert ActivityLog.objects.filter(redacted=True).exists()  # the erasure's redactions re-sealed too
    code, out = verify()
    assert code == 0, out
    assert "is not in CTM_AUDIT_KEYS" in out  # the old checkpoint is named, not silently dropped
    add_note(rotated["other"], by=rotated["member"], body="after the rotation")
    code, out = verify()
    assert code == 0, out


def test_rotation_refuses_a_log_that_does_not_verify(erased, settings):  # noqa: F811
    target = ActivityLog.objects.order_by("id")[3]
    sql("UPDATE core_activitylog SET object_label = %s WHERE id = %s", ["rewritten", target.pk])
    recompute_chain()
    settings.CTM_AUDIT_KEYS = f"{NEW},{settings.CTM_AUDIT_KEYS}"
    with pytest.raises(CommandError) as refused:
        call_command("audit", "rotate", stdout=io.StringIO())
    assert refused.value.returncode == 1
    assert not ActivityLog.objects.filter(key_id="r2").exists()  # nothing re-sealed


# --- the attacks, after a rotation ----------------------------------------------------------------


def test_after_rotation_rewriting_an_entry_and_recomputing_the_chain_is_detected(rotated):
    target = ActivityLog.objects.filter(action="cases.note.added", redacted=False).first()
    sql("UPDATE core_activitylog SET object_label = %s WHERE id = %s", ["nothing to see", target.pk])
    recompute_chain()
    assert verify()[0] == 1


def test_after_rotation_deleting_one_users_entries_is_detected(rotated):
    sql("DELETE FROM core_activitylog WHERE actor_label = %s", [rotated["member"].user.username])
    recompute_chain()
    assert verify()[0] == 1


def test_after_rotation_cutting_the_tail_and_moving_the_head_back_is_detected(rotated):
    ids = list(ActivityLog.objects.order_by("-id").values_list("id", flat=True)[:3])
    sql(f"DELETE FROM core_activitylog WHERE id IN ({','.join(['%s'] * len(ids))})", ids)  # noqa: S608
    sql("UPDATE core_chainhead SET last_hash = %s", [ActivityLog.objects.order_by("-id").first().hash])
    assert verify()[0] == 1


def test_after_rotation_flipping_redacted_is_detected(rotated):
    target = ActivityLog.objects.filter(redacted=False, action="cases.note.added").first()
    sql("UPDATE core_activitylog SET redacted = %s, object_label = '', changes = %s WHERE id = %s",
        [True, json.dumps({"redacted": True}), target.pk])  # fmt: skip
    assert verify()[0] == 1


def test_after_rotation_someone_who_kept_the_old_key_cannot_rewrite_the_log(rotated, settings):
    """The old key leaked (or left with someone): the whole chain recomputed under it, head included,
    is refused once the old key is out of the ring."""
    target = ActivityLog.objects.filter(action="cases.note.added", redacted=False).first()
    sql("UPDATE core_activitylog SET object_label = %s WHERE id = %s", ["nothing to see", target.pk])
    settings.CTM_AUDIT_KEYS = rotated["old_ring"]  # the attacker's copy of the old key
    prev = "0" * 64
    for entry in ActivityLog.objects.order_by("id"):
        entry.key_id, entry.prev_hash = rotated["old_id"], prev
        if not entry.redacted:
            entry.payload_digest = entry.compute_payload_digest()
        entry.hash = entry.compute_hash()
        sql("UPDATE core_activitylog SET key_id = %s, payload_digest = %s, prev_hash = %s, hash = %s WHERE id = %s",
            [entry.key_id, entry.payload_digest, entry.prev_hash, entry.hash, entry.pk])  # fmt: skip
        prev = entry.hash
    ChainHead.objects.get(pk=1).move_to(prev)
    settings.CTM_AUDIT_KEYS = NEW
    code, out = verify()
    assert code == 1 and "not in CTM_AUDIT_KEYS" in out, out
