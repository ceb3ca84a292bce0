"""`ctm keys rotate`: every value ends under the new key and still decrypts to the same plaintext."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from ctm.cases.domain.consent import add_guardian
from ctm.cases.domain.notes import add_attachment, add_note, read_attachment
from ctm.cases.domain.persons import add_document
from ctm.cases.models import Attachment, Case, Person
from ctm.core import crypto
from ctm.core.enums import Role
from ctm.core.keys import new_key_material
from ctm.core.management.commands.keys import encrypted_models, key_counts, raw
from ctm.core.models import ActivityLog
from tests import factories as f

FILE = b"Fictional interview summary.\n"


@pytest.fixture
def data(db):
    org = f.make_org("CHI", "MD")
    member = f.make_member(org, Role.CASEWORKER, "cw")
    member.user.totp_secret = "JBSWY3DPEHPK3PXP"
    member.user.save(update_fields=["totp_secret"])
    cases = [f.make_case(member, given=g, family="Rusu") for g in ("Olga", "Ion", "Мария")]
    add_note(cases[0], by=member, body="A confidential note.")
    add_document(
        cases[1], by=member, data={"kind": "passport", "number": "AB1234567", "issuing_country": "MD"}
    )
    add_guardian(cases[2], by=member, data={"name": "Ana Rusu", "relationship": "Mother"})
    add_attachment(cases[0], by=member, filename="summary.txt", data=FILE)
    return member, cases


def stored_values() -> dict[tuple[str, str, int], str]:
    """(table, column, pk) → the raw stored text of every non-empty encrypted value."""
    out = {}
    for model, fields in encrypted_models():
        for field in fields:
            rows = model._base_manager.annotate(_raw=raw(field)).values_list("pk", "_raw")
            for pk, value in rows:
                if value:
                    out[(model._meta.db_table, field.column, pk)] = value
    return out


def plaintexts(member) -> list:
    persons = [
        (p.given_name, p.family_name, p.birth_date, p.contacts, p.address)
        for p in Person.unscoped.order_by("pk")
    ]
    member.user.refresh_from_db()
    return [persons, member.user.totp_secret]


def test_rotate_moves_every_value_to_the_new_key(data, settings):
    member, cases = data
    old_id = crypto.current_key_id()
    before_plain = plaintexts(member)
    before = stored_values()
    assert before and all(crypto.key_id_of(v) == old_id for v in before.values())
    settings.CTM_ENCRYPTION_KEYS = f"k99:{new_key_material()},{settings.CTM_ENCRYPTION_KEYS}"

    call_command("keys", "rotate", stdout=io.StringIO())

    after = stored_values()
    assert after.keys() == before.keys()
    assert all(crypto.key_id_of(v) == "k99" for v in after.values())
    for where, value in after.items():
        table, column, _pk = where
        context = f"{table}.{column}"
        assert crypto.decrypt(value, context) == crypto.decrypt(before[where], context)
    assert plaintexts(member) == before_plain
    attachment = Attachment.unscoped.get()
    assert attachment.key_id == "k99"
    assert read_attachment(cases[0], attachment, by=member) == FILE
    assert {key for (_what, key) in key_counts()} == {"k99"}
    entry = ActivityLog.objects.filter(action="core.keys.rotated").get()
    assert entry.changes["key_id"] == [None, "k99"]

    # Run again: nothing left to do, nothing changes.
    call_command("keys", "rotate", stdout=io.StringIO())
    assert stored_values() == after


def test_rotate_generate_adds_a_key_to_the_dev_secrets(data, settings, tmp_path, monkeypatch):
    monkeypatch.delenv("CTM_ENCRYPTION_KEYS", raising=False)
    settings.VAR_DIR = tmp_path
    settings.CTM_ENCRYPTION_KEYS = settings.CTM_ENCRYPTION_KEYS  # restored after the test
    old_ring = settings.CTM_ENCRYPTION_KEYS
    (tmp_path / "secrets.json").write_text(
        json.dumps(
            {
                "secret_key": "x" * 50,
                "encryption_keys": old_ring,
                "blind_index_key": settings.CTM_BLIND_INDEX_KEY,
            }
        )
    )
    out = io.StringIO()

    call_command("keys", "rotate", "--generate", stdout=out)

    ring = json.loads((tmp_path / "secrets.json").read_text())["encryption_keys"]
    new_id = ring.split(":", 1)[0]
    assert ring.endswith(old_ring) and new_id != old_ring.split(":", 1)[0]
    assert crypto.current_key_id() == new_id
    assert {crypto.key_id_of(v) for v in stored_values().values()} == {new_id}
    assert Case.unscoped.get(pk=data[1][0].pk).person.given_name == "Olga"
    assert "Nothing is left under an older key" in out.getvalue()


def test_generate_refuses_when_keys_come_from_the_environment(data, monkeypatch):
    monkeypatch.setenv("CTM_ENCRYPTION_KEYS", "k1:whatever")
    with pytest.raises(CommandError, match="CTM_ENCRYPTION_KEYS"):
        call_command("keys", "rotate", "--generate", stdout=io.StringIO())


def test_status_counts_values_per_key(data):
    out = io.StringIO()
    call_command("keys", "status", stdout=out)
    current = crypto.current_key_id()
    assert "cases_person.given_name" in out.getvalue()
    assert f"Total: {current}: {len(stored_values()) + 1}" in out.getvalue()  # + the attachment
