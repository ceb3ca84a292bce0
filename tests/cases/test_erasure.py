"""Erasure: after `shred_person`, nothing identifying about the person is left anywhere.

The proof reads every column of every table with a raw cursor (no model field can hide a value),
decrypts whatever is a ciphertext, and looks for each plaintext value and each blind-index value of the
person; it reads every file CTM wrote too. The same hunt on the export archive finds them all, which
shows the hunt works.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.urls import reverse

from ctm.cases.domain import erasure
from ctm.cases.models import (
    Attachment,
    Case,
    Guardian,
    IdentityDocument,
    Note,
    Person,
    PersonPhoneticKey,
    ScreeningInterview,
    TraffickingEvent,
    VictimContext,
)
from ctm.core import crypto
from ctm.core.domain.activity import verify_chain
from ctm.core.models import ActivityLog, RetentionRule
from tests.cases import erasure_data as d

pytestmark = pytest.mark.django_db


# --- the hunt ------------------------------------------------------------------------------------


def _texts(table: str, column: str, value: Any) -> list[str]:
    """Every readable form of a raw database value: as stored, decrypted, JSON unescaped."""
    if value is None:
        return []
    if isinstance(value, (bytes, memoryview)):
        raw = bytes(value)
        return [raw.decode("utf-8", "replace"), raw.decode("latin-1")]
    if isinstance(value, (dict, list)):
        return [json.dumps(value, ensure_ascii=False)]
    text = value if isinstance(value, str) else str(value)
    out = [text]
    if text.startswith(f"{crypto.PREFIX}:"):
        out.append(crypto.decrypt(text, f"{table}.{column}"))
    if text[:1] in "[{":
        with contextlib.suppress(ValueError):
            out.append(json.dumps(json.loads(text), ensure_ascii=False))
    return out


def database_hits(needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every needle found in any column of any table."""
    model_tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    hits = []
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        assert model_tables <= set(tables)
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608  (introspected table names)
            columns = [c[0] for c in cursor.description]
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    for text in _texts(table, column, value):
                        low = text.lower()
                        hits += [(table, column, n) for n in needles if n.lower() in low]
    return sorted(set(hits))


def file_hits(roots: list[Path], needles: list[str], *, since: float, skip: Path | None = None) -> list[str]:
    """Files under `roots` written since `since` (all files of a root made for the test) holding a needle."""
    hits = []
    for root in roots:
        for path in (p for p in root.rglob("*") if p.is_file() and p != skip):
            if path.stat().st_mtime < since or path.stat().st_size > 200 * 2**20:
                continue
            content = path.read_bytes().lower()
            hits += [f"{path}: {n}" for n in needles if n.lower().encode() in content]
    return hits


def archive_text(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


# --- tests ---------------------------------------------------------------------------------------


@pytest.fixture
def shreddable(personas):
    return d.make_shreddable(personas.caseworker, personas.case_manager)


def test_nothing_identifying_remains_in_database_files_or_search_indexes(personas, shreddable, tmp_path):
    started = time.time() - 1
    person = shreddable.case.person
    needles = d.PLAINTEXTS + shreddable.blind_indexes
    assert len(shreddable.blind_indexes) >= 3
    before = database_hits(needles)
    assert {n for _t, _c, n in before} >= set(needles) - {d.FILE_CONTENT.decode().strip()}, "the hunt works"
    export = tmp_path / "export"
    export.mkdir()

    result = erasure.shred_person(person, by="test", export_path=export)

    assert database_hits(needles) == []
    roots = [Path(settings.VAR_DIR), tmp_path]
    assert file_hits(roots, needles, since=started, skip=result.export.path) == []
    # the search indexes answer nothing any more
    assert not Person.objects.filter(name_birth_index__in=shreddable.blind_indexes).exists()
    assert not IdentityDocument.objects.filter(number_index__in=shreddable.blind_indexes).exists()
    assert not PersonPhoneticKey.objects.filter(person=person).exists()
    assert not Attachment.objects.filter(case__person=person).exists()
    # the export holds everything the hunt looks for: the hunt would have found a leak
    text = archive_text(result.export.path)
    assert all(n.lower() in text.lower() for n in d.PLAINTEXTS)


def test_activity_log_is_redacted_not_deleted_and_still_verifies(personas, shreddable, tmp_path):
    case = shreddable.case
    ids = [str(case.pk), str(shreddable.second_case.pk)]
    entries_before = list(
        ActivityLog.objects.filter(object_type="cases.case", object_id__in=ids).order_by("pk")
    )
    assert any(d.REOPEN_REASON in json.dumps(e.changes) for e in entries_before)

    erasure.shred_person(case.person, by="test", export_path=tmp_path)

    entries_after = ActivityLog.objects.filter(pk__in=[e.pk for e in entries_before])
    assert entries_after.count() == len(entries_before)
    erased = ActivityLog.objects.get(action="cases.person.erased", object_id=str(case.person_id))
    assert all(
        e.redacted and e.changes == {"redacted": True, "erasure": erased.pk} and e.object_label == ""
        for e in entries_after
    )
    assert erased.changes["entries_redacted"] == [None, len(entries_before)]
    assert all(
        e.action == b.action for e, b in zip(entries_after.order_by("pk"), entries_before, strict=True)
    )
    count, problems = verify_chain()
    assert problems == [] and count > len(entries_before)
    actions = list(
        ActivityLog.objects.filter(object_type="cases.person", object_id=str(case.person_id)).values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["cases.person.erased", "cases.person.exported"]


def test_statistics_stay_by_default(personas, shreddable, tmp_path):
    case = shreddable.case
    erasure.shred_person(case.person, by="test", export_path=tmp_path)
    case.refresh_from_db()
    person = Person.objects.get(pk=case.person_id)
    assert person.erased_at is not None and person.birth_date is None and person.full_name == ""
    assert person.gender == "Feminine" and person.citizenships == ["MD"] and person.estimated_age == 15
    assert case.number and case.status == "Closed" and case.exploitation_country == "RU"
    context = VictimContext.objects.get(case=case)
    assert context.exploitation_types == ["ForcedLabour"] and context.recruitment_place == ""
    event = TraffickingEvent.objects.get(case=case)
    assert event.country == "RU" and event.start_date == datetime.date(2002, 9, 1) and event.place == ""
    doc = IdentityDocument.objects.get(person=person)
    assert doc.number == "" and doc.number_index == "" and doc.held_by_trafficker and doc.expiry_date is None
    assert Note.objects.get(case=case).body == ""
    guardian = Guardian.objects.get(case=case)
    assert guardian.name == "" and guardian.contact == "" and guardian.relationship == "Aunt"
    assert ScreeningInterview.objects.get(case=case).place == ""


def test_rule_without_statistics_removes_them_too(personas, shreddable, tmp_path):
    RetentionRule.objects.create(organization=personas.org, keep_statistics=False)
    case = shreddable.case
    erasure.shred_person(case.person, by="test", export_path=tmp_path)
    person = Person.objects.get(pk=case.person_id)
    assert (
        person.gender == "NonSpecifiedUnknown" and person.citizenships == [] and person.estimated_age is None
    )
    assert not VictimContext.objects.filter(case=case).exists()
    assert not TraffickingEvent.objects.filter(case=case).exists()
    assert not ScreeningInterview.objects.filter(case=case).exists()
    assert Case.objects.get(pk=case.pk).exploitation_country == ""


def test_export_holds_the_full_decrypted_record(personas, shreddable, tmp_path):
    case = shreddable.case
    target = tmp_path / "record.zip"
    result = erasure.shred_person(case.person, by="test", export_path=target)
    assert result.export.path == target and target.stat().st_mode & 0o777 == 0o600
    with zipfile.ZipFile(target) as archive:
        names = set(archive.namelist())
        data = json.loads(archive.read("record.json"))
        manifest = json.loads(archive.read("manifest.json"))
        attachment = next(n for n in names if n.startswith("attachments/"))
        assert archive.read(attachment) == d.FILE_CONTENT
    assert {"README.txt", "record.json", "manifest.json"} <= names
    assert set(manifest["files"]) == names - {"manifest.json"}
    records = data["records"]
    person = records["cases.person"][0]
    assert person["given_name"] == d.GIVEN and person["birth_date"] == d.BIRTH.isoformat()
    assert person["other_names"] == [d.OTHER_NAME] and person["contacts"][1]["value"] == d.EMAIL
    assert {c["number"] for c in records["cases.case"]} == {case.number, shreddable.second_case.number}
    assert records["cases.identitydocument"][0]["number"] == d.DOCUMENT
    assert records["cases.note"][0]["body"] == d.NOTE
    assert records["cases.guardian"][0]["name"] == d.GUARDIAN
    assert records["cases.consent"][0]["scope"] == "research"
    assert records["cases.traffickingevent"][0]["place"] == d.EVENT_PLACE
    assert records["cases.attachment"][0]["filename"] == d.FILE_NAME
    assert "cases.personphonetickey" in records and "digest" not in records["cases.personphonetickey"][0]
    assert any(e["action"] == "cases.case.reopened" for e in data["activity"])
    entry = ActivityLog.objects.get(action="cases.person.exported")
    assert entry.changes["sha256"] == [None, result.export.sha256] and str(tmp_path) not in json.dumps(
        entry.changes
    )


def test_a_second_shred_finds_nothing_left(personas, shreddable, tmp_path):
    person = shreddable.case.person
    erasure.shred_person(person, by="test", export_path=tmp_path)
    entries = ActivityLog.objects.count()
    with pytest.raises(erasure.NothingToErase):
        erasure.shred_person(Person.objects.get(pk=person.pk), by="test", export_path=tmp_path / "again.zip")
    assert not (tmp_path / "again.zip").exists() and ActivityLog.objects.count() == entries


def test_data_added_after_an_erasure_is_erased_by_the_next_shred(personas, shreddable, tmp_path):
    from ctm.cases.domain.notes import add_note

    person = shreddable.case.person
    erasure.shred_person(person, by="test", export_path=tmp_path)
    Case.objects.filter(pk=shreddable.case.pk).update(status="Active")
    add_note(Case.objects.get(pk=shreddable.case.pk), by=personas.caseworker, body="Vasilicaeva again")
    Case.objects.filter(pk=shreddable.case.pk).update(status="Closed")
    result = erasure.shred_person(Person.objects.get(pk=person.pk), by="test", export_path=tmp_path)
    assert result.erased["rows_overwritten"] == 1
    assert database_hits(["Vasilicaeva"]) == []


def test_open_case_missing_export_and_existing_file_change_nothing(personas, tmp_path):
    data = d.make_shreddable(personas.caseworker, personas.case_manager)
    person = data.case.person
    taken = tmp_path / "taken.zip"
    taken.write_bytes(b"someone else's file")
    with pytest.raises(erasure.ExportRequired):
        erasure.shred_person(person, by="test")
    with pytest.raises(erasure.ExportPathError):
        erasure.shred_person(person, by="test", export_path=taken)
    with pytest.raises(erasure.ExportPathError):
        erasure.shred_person(person, by="test", export_path=tmp_path / "missing" / "x.zip")
    assert taken.read_bytes() == b"someone else's file"
    Case.objects.filter(pk=data.second_case.pk).update(status="Active")
    with pytest.raises(erasure.CaseStillOpen, match=data.second_case.number):
        erasure.shred_person(person, by="test", export_path=tmp_path)
    assert Person.objects.get(pk=person.pk).given_name == d.GIVEN
    assert list(tmp_path.iterdir()) == [taken]


def test_without_required_export_the_rule_allows_erasure_alone(personas, shreddable):
    RetentionRule.objects.create(organization=personas.org, require_export=False)
    result = erasure.shred_person(shreddable.case.person, by="test")
    assert result.export is None and result.erased["attachments_deleted"] == 1
    assert not ActivityLog.objects.filter(action="cases.person.exported").exists()


def test_a_failure_after_the_export_removes_the_archive_and_changes_nothing(
    personas, shreddable, tmp_path, monkeypatch
):
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(erasure, "redact_entries", boom)
    with pytest.raises(RuntimeError):
        erasure.shred_person(shreddable.case.person, by="test", export_path=tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert Person.objects.get(pk=shreddable.case.person_id).given_name == d.GIVEN
    assert not ActivityLog.objects.filter(action__startswith="cases.person.e").exists()


def test_find_person_by_case_number_or_id(personas, shreddable):
    person = shreddable.case.person
    assert erasure.find_person(shreddable.case.number.lower()) == person
    assert erasure.find_person(f" {person.pk} ") == person
    for ref in ("XX-NOPE-1", "999999", ""):
        with pytest.raises(erasure.PersonNotFound):
            erasure.find_person(ref)


# --- due ------------------------------------------------------------------------------------------


def test_due_follows_each_organizations_rule(personas):
    from tests import factories as f

    home = d.make_shreddable(personas.caseworker, personas.case_manager, closed_on=datetime.date(2016, 3, 1))
    other_cw = f.make_member(personas.other_org, "caseworker", "othercw")
    other_mgr = f.make_member(personas.other_org, "case_manager", "othermgr")
    away = d.make_shreddable(other_cw, other_mgr, closed_on=datetime.date(2016, 3, 1))
    RetentionRule.objects.create(organization=personas.other_org, years_after_closure=20)
    today = datetime.date(2026, 3, 1)  # exactly ten years after the last closure

    due = erasure.persons_due(today)
    assert [x.person_id for x in due] == [home.case.person_id]
    assert due[0].due_since == datetime.date(2026, 3, 1) and due[0].organization == "CHI"
    assert erasure.persons_due(datetime.date(2026, 2, 28)) == []
    assert [x.person_id for x in erasure.persons_due(datetime.date(2036, 3, 1))] == [
        home.case.person_id,
        away.case.person_id,
    ]
    assert (
        erasure.persons_due(datetime.date(2036, 3, 1), personas.other_org)[0].person_id == away.case.person_id
    )
    # open cases (the personas' own) are never due; an erased person is not due again
    RetentionRule.objects.create(organization=personas.org, require_export=False)
    erasure.shred_person(home.case.person, by="test")
    assert erasure.persons_due(today) == []


def test_the_case_page_of_an_erased_person_says_so_and_shows_nothing(client, personas, shreddable, tmp_path):
    erasure.shred_person(shreddable.case.person, by="test", export_path=tmp_path)
    client.force_login(personas.caseworker.user)
    response = client.get(reverse("cases:detail", args=[shreddable.case.number]))
    body = response.content.decode()
    assert response.status_code == 200 and "identifying data was erased on" in body
    assert not [n for n in d.PLAINTEXTS if n.lower() in body.lower()]
