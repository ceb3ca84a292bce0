"""Every encrypted field of identifying content is decrypt-locked by construction (ctm.core.fields).

An encrypted field is identifying unless this file says why not: its value loaded outside
`identifying_access` stays sealed (the ciphertext), and reading the attribute raises. The first test
enumerates every model's encrypted fields, so a field added later is covered without a line here;
the attacks read each field outside a logged read — built from its own ciphertext (every field), and
from the rows a fully recorded world holds (cases, assistance, funds) — and must fail.
"""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.apps import apps
from django.db import connection

from ctm.core import crypto
from ctm.core.fields import (
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
    Sealed,
    SealedAttribute,
    encrypted_fields,
)
from ctm.core.reads import IdentifyingReadError, identifying_access, no_identifying_access

# Encrypted fields that are not a person's data, and why. Nothing else may be left unlocked.
NOT_IDENTIFYING = {
    "accounts.TotpDevice.key": "a two-factor secret, read only by the login check; about no person",
}

SECRET = "Olga Petrova, Str. Ismail 12"


def every_encrypted_field() -> list[tuple[type, EncryptedTextField]]:
    return [(model, field) for model in apps.get_models() for field in encrypted_fields(model)]


def name(model: type, field: EncryptedTextField) -> str:
    return f"{model._meta.app_label}.{model.__name__}.{field.name}"


def sample(field: EncryptedTextField):
    if isinstance(field, EncryptedDateField):
        return datetime.date(1995, 3, 14)
    if isinstance(field, EncryptedJSONField):
        return [SECRET]
    return SECRET


def test_every_encrypted_field_is_identifying_or_listed_with_a_reason():
    fields = every_encrypted_field()
    assert len(fields) > 30
    unlocked = {name(m, f) for m, f in fields if not f.identifying}
    assert unlocked == set(NOT_IDENTIFYING), (
        "an encrypted field left unlocked: mark it identifying or list why"
    )
    for model, field in fields:
        # the attribute is the choke point: a model that replaced it would read around the lock
        assert isinstance(model.__dict__.get(field.attname), SealedAttribute), name(model, field)


def test_a_private_directory_entrys_contact_fields_are_encrypted_and_sealed():
    """A safe house's address, a trusted officer's phone: encrypted, identifying (their reads are logged)."""
    sealed = {name(m, f) for m, f in every_encrypted_field() if f.identifying}
    contacts = {f"directory.PrivateEntry.{f}" for f in ("address", "phone", "emergency_line", "email", "notes")}
    assert contacts <= sealed, contacts - sealed
    assert not any(n.startswith("directory.SharedEntry.") for n in sealed)  # the shared directory is public


def test_no_model_stores_text_about_a_person_in_an_unencrypted_field_of_these_names():
    """Free-text columns with the names the encrypted ones have are encrypted everywhere."""
    words = {
        "notes",
        "note",
        "narrative",
        "body",
        "summary",
        "recommendation",
        "objectives",
        "address",
        "report",
    }
    plain = [
        f"{m.__name__}.{f.name}"
        for m in apps.get_models()
        if m._meta.app_label in {"cases", "assistance", "funds"}
        for f in m._meta.concrete_fields
        if f.name in words and not isinstance(f, EncryptedTextField)
    ]
    assert plain == []


@pytest.mark.parametrize(
    "model_field",
    [(m, f) for m, f in every_encrypted_field() if f.identifying],
    ids=lambda mf: name(*mf),
)
def test_each_identifying_field_is_sealed_outside_a_logged_read(model_field):
    model, field = model_field
    ciphertext = crypto.encrypt(field.encode(sample(field)), field.context())
    with no_identifying_access():
        loaded = field.from_db_value(ciphertext, None, connection)
        assert isinstance(loaded, Sealed) and SECRET not in repr(loaded)
        with pytest.raises(IdentifyingReadError):
            str(loaded)  # as values() hands it out: it never becomes text
        row = model.from_db("default", [field.attname], [loaded])
        with pytest.raises(IdentifyingReadError):
            getattr(row, field.attname)
        assert SECRET not in repr(row.__dict__)
        with identifying_access("the test's own logged read"):
            assert getattr(row, field.attname) == sample(field)


@pytest.mark.django_db
def test_every_identifying_value_of_a_full_world_fails_to_read_outside_a_logged_read(personas):
    """The rows a fully recorded world holds (a case with every part, assistance, funds), loaded the
    ways a careless view would: each non-empty identifying value refuses to be read."""
    from tests.api.conftest import build_world
    from tests.cases import erasure_data as d

    build_world(personas)
    d.make_shreddable(personas.caseworker, personas.case_manager)
    read = set()
    with no_identifying_access():
        for model, field in every_encrypted_field():
            if not field.identifying:
                continue
            for row in model.objects.all():
                raw = row.__dict__[field.attname]
                if raw in (None, "", [], {}):
                    continue
                assert isinstance(raw, Sealed), name(model, field)
                with pytest.raises(IdentifyingReadError):
                    getattr(row, field.attname)
                with pytest.raises((IdentifyingReadError, TypeError)):
                    json.dumps(list(model.objects.filter(pk=row.pk).values(field.name)), default=str)
                read.add(name(model, field))
    # the world exercises the identity and the free text of cases, assistance and funds
    expected = {
        "cases.Person.given_name",
        "cases.Note.body",
        "cases.ScreeningInterview.narrative",
        "cases.TraffickingEvent.place",
        "cases.VictimContext.recruitment_place",
        "cases.Guardian.name",
        "assistance.AssistancePlan.objectives",
        "assistance.ServiceRecord.notes",
        "funds.FundRequest.immediate_needs",
        "funds.FundRequest.justification",
    }
    assert expected <= read, expected - read


@pytest.mark.django_db
def test_no_identifying_value_of_a_full_world_reaches_the_activity_log(personas):
    """Every write of a fully recorded world (cases, assistance, funds) logs its change masked: no value
    of any identifying field — looked up through the enumeration, so a new field is covered — appears
    in any entry's label or changes."""
    from ctm.core.models import ActivityLog
    from tests.api.conftest import build_world
    from tests.cases import erasure_data as d

    build_world(personas)
    d.make_shreddable(personas.caseworker, personas.case_manager)
    values = set()
    with identifying_access("the test's own check"):
        for model, field in every_encrypted_field():
            if field.identifying:
                for value in model.objects.values_list(field.name, flat=True):
                    for text in value if isinstance(value, list) else [value]:
                        if isinstance(text, str) and len(text.strip()) >= 5:
                            values.add(text.strip())
    assert len(values) > 20
    log = "\n".join(f"{e.object_label} {json.dumps(e.changes, ensure_ascii=False)}" for e in ActivityLog.objects.all())
    leaked = sorted(v for v in values if v in log)
    assert leaked == []


# Where a stored value or file is decrypted at all, and why each place may. A decryption written
# anywhere else (reading around the sealed attribute with raw SQL) fails this test.
DECRYPTING = {
    ("core/fields.py", "crypto.decrypt("): (2, "the lock itself: opens only inside identifying_access"),
    ("runtime/domain/queries/health.py", "crypto.decrypt("): (1, "readiness: the keys open a value, thrown away unread"),
    ("cases/domain/notes.py", "crypto.decrypt_bytes("): (1, "read_attachment: logs cases.attachment.downloaded"),
    ("cases/domain/person_export.py", "crypto.decrypt_bytes("): (1, "export before erasure, logged"),
    ("funds/domain/documents.py", "crypto.decrypt_bytes("): (1, "read_document: logs funds.document.downloaded"),
    ("linkage/domain/queries/records.py", "crypto.decrypt_bytes("): (1, "an uploaded list for its run (logged)"),
    ("privacy/domain/queries/releases.py", "crypto.decrypt_bytes("): (2, "a dataset for its release, a release's file (logged)"),
    ("core/domain/rotation.py", "crypto.decrypt_bytes("): (1, "key rotation, logged core.keys.rotated"),
    ("directory/migrations/0002_private_entry_contacts_encrypted.py", "crypto.decrypt("): (
        1,
        "the rollback of the migration that encrypted private directory contacts",
    ),
}


def test_values_and_files_are_decrypted_only_in_the_listed_places():
    from pathlib import Path

    src = Path(__file__).resolve().parents[2] / "src" / "ctm"
    found = {}
    for file in src.rglob("*.py"):
        text = file.read_text()
        for call in ("crypto.decrypt(", "crypto.decrypt_bytes("):
            if text.count(call):
                found[(file.relative_to(src).as_posix(), call)] = text.count(call)
    assert found == {where: n for where, (n, _why) in DECRYPTING.items()}
    # and no one imports the functions under another name
    aliased = [
        f.relative_to(src).as_posix()
        for f in src.rglob("*.py")
        if re.search(r"from ctm\.core\.crypto import .*\bdecrypt\b|from ctm\.core\.crypto import .*decrypt_bytes|import crypto as", f.read_text())
    ]
    assert aliased == []
