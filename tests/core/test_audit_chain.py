"""The keyed chain around an erasure, the checkpoints outside the database, and the re-key on upgrade."""

from __future__ import annotations

import importlib
import io
import json
import socket

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from ctm.cases.domain import erasure
from ctm.cases.domain.cases import close_case
from ctm.cases.domain.notes import add_note
from ctm.cases.enums import ClosureReason
from ctm.core import audit_crypto
from ctm.core.domain.activity import verify_chain
from ctm.core.domain.checkpoints import LogNotIntact, verify_checkpoints, write_checkpoint
from ctm.core.enums import Role
from ctm.core.models import ActivityLog, ChainHead
from tests import factories as f
from tests.core.test_audit_attacks import recompute_chain, sql, verify


@pytest.fixture
def erased(db, tmp_path):
    """Two persons' cases with notes; the first person is erased (their entries redacted)."""
    org = f.make_org("CHI", "MD")
    member = f.make_member(org, Role.CASE_MANAGER, "manager")
    cases = []
    for given in ("Olga", "Ion"):
        case = f.make_case(member, given=given, family="Rusu")
        add_note(case, by=member, body=f"about {given}")
        cases.append(case)
    close_case(cases[0], by=member, reason=ClosureReason.values[0])
    erasure.shred_person(cases[0].person, by="test", export_path=tmp_path)
    assert verify_chain()[1] == []
    return {"case": cases[0], "other": cases[1], "member": member}


def problems() -> list[str]:
    return [p.problem for p in verify_chain()[1]]


def test_an_erasure_verifies_and_names_what_it_redacted(erased):
    entry = ActivityLog.objects.get(action="cases.person.erased")
    redacted = ActivityLog.objects.filter(redacted=True)
    assert redacted.count() == entry.changes["entries_redacted"][1] > 0
    assert {e.changes["erasure"] for e in redacted} == {entry.pk}


def test_marking_another_entry_redacted_under_a_real_erasure_is_detected(erased):
    entry = ActivityLog.objects.get(action="cases.person.erased")
    other = ActivityLog.objects.filter(redacted=False, object_id=str(erased["other"].pk)).first()
    sql("UPDATE core_activitylog SET redacted = %s, object_label = '', changes = %s WHERE id = %s",
        [True, json.dumps({"redacted": True, "erasure": entry.pk}), other.pk])  # fmt: skip
    assert any("do not match what it recorded" in p for p in problems())


def test_un_redacting_an_entry_is_detected(erased):
    target = ActivityLog.objects.filter(redacted=True).first()
    sql(
        "UPDATE core_activitylog SET redacted = %s, object_label = %s WHERE id = %s",
        [False, "Olga Rusu", target.pk],
    )
    assert "content changed" in problems()


def test_a_redacted_entry_pointing_to_no_erasure_is_detected(erased):
    target = ActivityLog.objects.filter(redacted=True).first()
    first = ActivityLog.objects.order_by("id").first()
    sql("UPDATE core_activitylog SET changes = %s WHERE id = %s",
        [json.dumps({"redacted": True, "erasure": first.pk}), target.pk])  # fmt: skip
    assert any("records no such redaction" in p for p in problems())


def test_a_redacted_entry_with_content_is_detected(erased):
    target = ActivityLog.objects.filter(redacted=True).first()
    sql("UPDATE core_activitylog SET object_label = %s WHERE id = %s", ["forged", target.pk])
    assert any("not a redaction" in p for p in problems())


def test_entries_sealed_with_an_unknown_key_are_reported(erased, settings):
    settings.CTM_AUDIT_KEYS = "a9:" + "A" * 43 + "="
    assert any("not in CTM_AUDIT_KEYS" in p for p in problems())


def test_an_old_key_still_in_the_ring_verifies_and_new_entries_use_the_first(erased, settings):
    old = settings.CTM_AUDIT_KEYS
    settings.CTM_AUDIT_KEYS = "a2:" + "B" * 43 + "=," + old
    assert problems() == []
    add_note(erased["other"], by=erased["member"], body="after a new key")
    assert ActivityLog.objects.order_by("-id").first().key_id == "a2"
    assert problems() == []


# --- checkpoints ---------------------------------------------------------------------------------


def test_checkpoint_command_writes_a_signed_line_and_verify_reads_it(erased, settings):
    out = io.StringIO()
    call_command("audit", "checkpoint", stdout=out)
    assert "Checkpoint of entry" in out.getvalue()
    line = json.loads(settings.CTM_AUDIT_CHECKPOINT_FILE.read_text().splitlines()[-1])
    last = ActivityLog.objects.order_by("-id").first()
    assert line["entry_id"] == last.pk and line["hash"] == last.hash
    assert line["entries"] == ActivityLog.objects.count()
    code, text = verify()
    assert code == 0 and "Compared with 1 checkpoint(s)" in text


def test_a_forged_checkpoint_is_reported(erased, settings):
    write_checkpoint()
    path = settings.CTM_AUDIT_CHECKPOINT_FILE
    data = json.loads(path.read_text())
    data["entries"] -= 5  # someone who can write the file, not sign
    path.write_text(json.dumps(data) + "\n")
    code, text = verify()
    assert code == 1 and "bad signature" in text


def test_no_checkpoint_is_written_over_a_log_that_does_not_verify(erased, settings):
    sql("UPDATE core_activitylog SET action = %s WHERE id = %s", ["x.y.z", ActivityLog.objects.first().pk])
    with pytest.raises(LogNotIntact):
        write_checkpoint()
    assert not settings.CTM_AUDIT_CHECKPOINT_FILE.exists()
    with pytest.raises(CommandError):
        call_command("audit", "checkpoint", stdout=io.StringIO())


def test_deleting_everything_is_caught_by_a_checkpoint(erased):
    write_checkpoint()
    sql("DELETE FROM core_activitylog", [])
    sql("DELETE FROM core_chainhead", [])
    assert verify_chain()[1] == []  # the empty log on its own says nothing
    report = verify_checkpoints()
    assert report.problems


def test_checkpoint_sent_to_a_syslog_server_is_a_valid_checkpoint_file(erased, tmp_path):
    server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    server.bind(("127.0.0.1", 0))
    server.settimeout(5)
    try:
        port = server.getsockname()[1]
        call_command(
            "audit", "checkpoint", "--no-file", "--syslog", f"udp://127.0.0.1:{port}", stdout=io.StringIO()
        )
        message = server.recv(65536).decode()
    finally:
        server.close()
    assert message.startswith("<") and "ctm-audit: " in message  # <priority>ident {json}
    copy = tmp_path / "syslog.log"
    copy.write_text(f"Dec  6 12:00:00 host {message}\nDec  6 12:00:01 host another line\n")
    report = verify_checkpoints([copy])
    assert report.checked == 1 and report.problems == []
    # the same copy shows a later cut
    last = ActivityLog.objects.order_by("-id").first()
    sql("DELETE FROM core_activitylog WHERE id = %s", [last.pk])
    assert verify_checkpoints([copy]).problems


def test_public_key_verifies_a_checkpoint_without_the_secret(erased, capsys):
    cp = write_checkpoint()
    public = audit_crypto.public_key(cp.key_id)
    assert audit_crypto.verify_signature(public, cp.signed_text(), cp.signature)
    assert not audit_crypto.verify_signature(
        public, cp.signed_text().replace('"entries"', '"entrie"'), cp.signature
    )
    out = io.StringIO()
    call_command("audit", "public-key", stdout=out)
    assert public in out.getvalue()


# --- re-key on upgrade -----------------------------------------------------------------------------


def make_legacy(tamper: bool = False) -> None:
    """Turn the current log into what the code before the keyed chain wrote (plain SHA-256)."""
    for entry in ActivityLog.objects.filter(action="cases.person.erased"):
        changes = {k: v for k, v in entry.changes.items() if k != "redaction_digest"}
        sql("UPDATE core_activitylog SET changes = %s WHERE id = %s", [json.dumps(changes), entry.pk])
    recompute_chain()
    sql("UPDATE core_activitylog SET key_id = ''", [])
    sql("UPDATE core_chainhead SET key_id = '', mac = ''", [])
    sql(
        "UPDATE core_activitylog SET changes = %s WHERE redacted = %s", [json.dumps({"redacted": True}), True]
    )
    if tamper:
        target = ActivityLog.objects.filter(redacted=False).order_by("id")[3]
        sql("UPDATE core_activitylog SET object_label = %s WHERE id = %s", ["rewritten", target.pk])


def rekey() -> None:
    module = importlib.import_module("ctm.core.migrations.0004_keyed_activity_chain")
    module.rekey_legacy_chain(apps, None)


def test_legacy_chain_is_rekeyed_on_upgrade_and_then_verifies(erased):
    n = ActivityLog.objects.count()
    make_legacy()
    assert any("not sealed" in p for p in problems())
    rekey()
    assert problems() == []
    entry = ActivityLog.objects.order_by("-id").first()
    assert entry.action == "core.audit.rekeyed"
    assert entry.changes["entries"] == [None, n] and entry.changes["legacy_problem_count"] == [None, 0]
    assert ActivityLog.objects.filter(redacted=True, changes__erasure=entry.pk).count() > 0
    assert ChainHead.objects.get().key_id == audit_crypto.current_key_id()


def test_a_legacy_chain_changed_before_the_upgrade_is_recorded_not_laundered(erased):
    make_legacy(tamper=True)
    rekey()
    assert problems() == []  # the re-keyed chain is sound from here on ...
    entry = ActivityLog.objects.order_by("-id").first()
    assert entry.changes["legacy_problem_count"][1] >= 1  # ... and it says what was wrong before
    assert any(p[1] == "content changed" for p in entry.changes["legacy_problems"][1])
    code, text = verify()
    assert code == 0 and "records 1 problem(s) in the log as it was before the keyed chain" in text
    assert "content changed" in text
