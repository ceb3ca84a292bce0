"""`ctm keys rotate`: every encrypted value CTM stores ends under the new key and still decrypts to the
same plaintext — person fields and every other encrypted column, attachments, uploaded datasets and
release previews (privacy), uploaded lists (linkage); `ctm keys status` counts all of them."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from django.core import checks
from django.core.management import CommandError, call_command

from ctm.accounts.models import TotpDevice
from ctm.cases.domain.consent import add_guardian
from ctm.cases.domain.notes import add_attachment, add_note, read_attachment
from ctm.cases.domain.persons import add_document
from ctm.cases.models import Attachment, Case, Person
from ctm.core import crypto, encrypted
from ctm.core.domain.rotation import key_counts, raw
from ctm.core.encrypted import encrypted_columns, registered_blobs
from ctm.core.keys import new_key_material
from ctm.core.models import ActivityLog
from ctm.funds.domain.documents import read_document as read_fund_document
from ctm.funds.models import FundDocument, FundRequest
from ctm.linkage.domain.queries import records as linkage_records
from ctm.linkage.models import LinkageRun, ListUpload
from ctm.privacy.domain.queries.releases import release_frame, upload_frame
from ctm.privacy.enums import ReleaseStatus
from ctm.privacy.models import Dataset, Release
from tests.conftest import as_in_production
from tests.funds.objects import fund_objects
from tests.privacy_platform import objects as privacy_objects

FILE = b"Fictional interview summary.\n"
LIST = pd.DataFrame(
    {
        "record_id": ["1", "2"],
        "given_name": ["Olga", "Ion"],
        "family_name": ["Rusu", "Ceban"],
        "birth_date": ["1990-03-01", "1985-07-12"],
        "sex": ["F", "M"],
        "citizenship": ["MD", "MD"],
        "document_number": ["AB1234567", ""],
    }
)


def uploaded_list(member) -> ListUpload:
    """A linkage run's uploaded list, stored as `start_run` stores it (without running the engine)."""
    run = LinkageRun.objects.create(
        organization=member.organization, created_by=member.user, label="fixture run", threshold=0.9
    )
    key_id, blob = crypto.encrypt_bytes(
        linkage_records.frame_to_bytes(LIST), linkage_records.upload_context(run.organization_id, run.pk)
    )
    return ListUpload.objects.create(
        organization=member.organization, run=run, name="shelter", rows=len(LIST), key_id=key_id, blob=blob
    )


@pytest.fixture
def data(personas):
    p = personas
    TotpDevice.objects.create(user=p.caseworker.user, name="app", key="3132333435363738393031323334353637383930")
    case = p.case
    add_note(case, by=p.caseworker, body="A confidential note.")
    add_document(
        case, by=p.caseworker, data={"kind": "passport", "number": "AB1234567", "issuing_country": "MD"}
    )
    add_guardian(case, by=p.caseworker, data={"name": "Ana Rusu", "relationship": "Mother"})
    add_attachment(case, by=p.caseworker, filename="summary.txt", data=FILE)
    dataset = privacy_objects.upload(p.data_manager)  # encrypted rows and an encrypted file name
    privacy_objects.make_release(p.data_manager, dataset=dataset)  # an encrypted preview awaiting approval
    privacy_objects.published(p, dataset=dataset)  # a published release keeps its encrypted preview
    uploaded_list(p.data_manager)
    fund_objects(p)  # a fund request with an encrypted document and encrypted free text
    return p


def stored_columns() -> dict[tuple[str, str, int], str]:
    """(table, column, pk) → the raw stored text of every non-empty encrypted value."""
    out = {}
    for model, fields in encrypted_columns():
        for field in fields:
            for pk, value in model._base_manager.annotate(_raw=raw(field)).values_list("pk", "_raw"):
                if value:
                    out[(model._meta.db_table, field.column, pk)] = value
    return out


def stored_blobs() -> dict[tuple[str, int], tuple[str, bytes, str]]:
    """(what, pk) → (key id, stored bytes, context) of every declared encrypted blob."""
    out = {}
    for blobs in registered_blobs():
        for row in blobs.stored():
            key_id, blob = getattr(row, blobs.key_field), bytes(getattr(row, blobs.blob_field))
            out[(blobs.name, row.pk)] = (key_id, blob, blobs.context(row))
    return out


def plaintexts(p) -> list:
    """What the application reads back, through its own read functions."""
    persons = [
        (x.given_name, x.family_name, x.birth_date, x.contacts, x.address)
        for x in Person.objects.order_by("pk")
    ]
    p.caseworker.user.refresh_from_db()
    attachment = Attachment.objects.get()
    dataset = Dataset.objects.get(source="upload")
    return [
        persons,
        TotpDevice.objects.get(user=p.caseworker.user).key,
        read_attachment(p.case, attachment, by=p.caseworker),
        dataset.filename,
        upload_frame(dataset).to_dict(),
        [release_frame(r).to_dict() for r in Release.objects.order_by("pk")],
        linkage_records.upload_frame(ListUpload.objects.get()).to_dict(),
        read_fund_document(FundDocument.objects.get(), by=p.caseworker),
        sorted(FundRequest.objects.values_list("immediate_needs", flat=True)),
    ]


def add_new_key(settings, key_id: str = "k99") -> str:
    old_id = crypto.current_key_id()
    settings.CTM_ENCRYPTION_KEYS = f"{key_id}:{new_key_material()},{settings.CTM_ENCRYPTION_KEYS}"
    return old_id


def test_every_kind_of_encrypted_bytes_is_declared():
    names = {b.name for b in registered_blobs()}
    assert names == {
        "cases_attachment.blob",
        "privacy_dataset.blob",
        "privacy_release.blob",
        "linkage_listupload.blob",
        "funds_funddocument.blob",
    }
    assert encrypted.undeclared_binary_fields() == []
    assert not [m for m in checks.run_checks() if m.id == "ctm.E001"]


def test_an_undeclared_binary_field_fails_the_check(monkeypatch):
    monkeypatch.setattr(
        encrypted, "_blobs", {k: v for k, v in encrypted._blobs.items() if "release" not in k}
    )
    errors = [m for m in checks.run_checks() if m.id == "ctm.E001"]
    assert [e.msg for e in errors] == ["privacy.Release.blob is a BinaryField that `ctm keys` does not know."]


def test_rotate_moves_every_value_to_the_new_key(data, settings):
    p = data
    before_plain = plaintexts(p)
    before, before_blobs = stored_columns(), stored_blobs()
    old_id = add_new_key(settings)
    assert before and all(crypto.key_id_of(v) == old_id for v in before.values())
    assert {what for what, _pk in before_blobs} == {b.name for b in registered_blobs()}
    assert {key for key, _blob, _ctx in before_blobs.values()} == {old_id}
    published = Release.objects.get(status=ReleaseStatus.PUBLISHED)

    as_in_production(call_command, "keys", "rotate", stdout=io.StringIO())

    after, after_blobs = stored_columns(), stored_blobs()
    assert after.keys() == before.keys()
    assert after_blobs.keys() == before_blobs.keys()
    for (table, column, pk), value in after.items():
        context = f"{table}.{column}"
        assert crypto.key_id_of(value) == "k99"
        assert crypto.decrypt(value, context) == crypto.decrypt(before[(table, column, pk)], context)
    for where, (key_id, blob, context) in after_blobs.items():
        old_key, old_blob, _ = before_blobs[where]
        assert key_id == "k99" and blob != old_blob
        assert crypto.decrypt_bytes(key_id, blob, context) == crypto.decrypt_bytes(old_key, old_blob, context)
    assert plaintexts(p) == before_plain
    again = Release.objects.get(pk=published.pk)
    assert (again.status, again.manifest_sha256, again.updated_at) == (
        ReleaseStatus.PUBLISHED,
        published.manifest_sha256,
        published.updated_at,
    )
    assert {key for (_what, key) in key_counts()} == {"k99"}
    entry = ActivityLog.objects.filter(action="core.keys.rotated").get()
    assert entry.changes == {
        "key_id": [None, "k99"],
        "rows": [None, entry.changes["rows"][1]],
        "blobs": [None, 6],  # incl. one fund document
    }

    # Run again: nothing left to do, nothing changes.
    as_in_production(call_command, "keys", "rotate", stdout=io.StringIO())
    assert stored_columns() == after
    assert stored_blobs() == after_blobs


def test_status_reports_every_kind_and_zero_under_the_old_key(data, settings):
    old_id = add_new_key(settings)
    out = io.StringIO()
    as_in_production(call_command, "keys", "status", stdout=out)
    text = out.getvalue()
    n = len(stored_columns()) + len(stored_blobs())
    for where in ("cases_person.given_name", "privacy_dataset.filename", "cases_attachment.blob"):
        assert where in text
    for where in ("privacy_dataset.blob", "privacy_release.blob", "linkage_listupload.blob"):
        assert where in text
    assert f"Total: k99: 0, {old_id}: {n}" in text

    as_in_production(call_command, "keys", "rotate", stdout=io.StringIO())
    out = io.StringIO()
    as_in_production(call_command, "keys", "status", stdout=out)
    assert f"Total: k99: {n}, {old_id}: 0" in out.getvalue()


def test_a_failed_rotation_leaves_every_value_readable_and_a_second_run_finishes(data, settings, monkeypatch):
    p = data
    before_plain = plaintexts(p)
    old_id = add_new_key(settings)
    real = crypto.encrypt_bytes
    calls = []

    def failing(data_: bytes, context: str):
        calls.append(context)
        if len(calls) == 2:
            raise OSError("disk full")
        return real(data_, context)

    monkeypatch.setattr(crypto, "encrypt_bytes", failing)
    with pytest.raises(OSError):
        as_in_production(call_command, "keys", "rotate", stdout=io.StringIO())
    keys = {key for (_what, key) in key_counts()}
    assert keys == {old_id, "k99"}  # the columns are done, the batch of blobs rolled back
    assert plaintexts(p) == before_plain

    monkeypatch.setattr(crypto, "encrypt_bytes", real)
    as_in_production(call_command, "keys", "rotate", stdout=io.StringIO())
    assert {key for (_what, key) in key_counts()} == {"k99"}
    assert plaintexts(p) == before_plain


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

    as_in_production(call_command, "keys", "rotate", "--generate", stdout=out)

    ring = json.loads((tmp_path / "secrets.json").read_text())["encryption_keys"]
    new_id = ring.split(":", 1)[0]
    assert ring.endswith(old_ring) and new_id != old_ring.split(":", 1)[0]
    assert crypto.current_key_id() == new_id
    assert {crypto.key_id_of(v) for v in stored_columns().values()} == {new_id}
    assert {key for key, _blob, _ctx in stored_blobs().values()} == {new_id}
    assert Case.objects.get(pk=data.case.pk).person.given_name == "Olga"
    assert "Nothing is left under an older key" in out.getvalue()


def test_generate_refuses_when_keys_come_from_the_environment(data, monkeypatch):
    monkeypatch.setenv("CTM_ENCRYPTION_KEYS", "k1:whatever")
    with pytest.raises(CommandError, match="CTM_ENCRYPTION_KEYS"):
        as_in_production(call_command, "keys", "rotate", "--generate", stdout=io.StringIO())


def test_status_counts_values_per_key(data):
    out = io.StringIO()
    as_in_production(call_command, "keys", "status", stdout=out)
    current = crypto.current_key_id()
    assert "cases_person.given_name" in out.getvalue()
    assert f"Total: {current}: {len(stored_columns()) + len(stored_blobs())}" in out.getvalue()


def test_status_covers_the_activity_log_keys(data, settings):
    from ctm.core import audit_crypto
    from ctm.core.models import ActivityLog

    out = io.StringIO()
    call_command("keys", "status", stdout=out)
    text = " ".join(out.getvalue().split())
    key_id = audit_crypto.current_key_id()
    assert (
        f"Activity-log keys (current: {key_id}; ring: {key_id}). Entries: {key_id}: {ActivityLog.objects.count()}"
        in text
    )
    assert audit_crypto.public_key(key_id) in text
