"""A private directory entry's contact fields are encrypted at rest and sealed: the raw row holds no
plaintext, every read of them is logged in the owning organization's log, search never reads them,
and another organization neither sees nor finds them (docs/decisions/1105-private-directory-encrypted.md)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from ctm.core.enums import Role
from ctm.core.models import ActivityLog
from ctm.core.reads import IdentifyingReadError, no_identifying_access
from ctm.core.scopes import organization_scope
from ctm.directory.domain.entries import update_entry
from ctm.directory.domain.queries import EntryFilters, directory_entries_for_user, get_entry_for_user
from ctm.directory.models import PrivateEntry, SharedEntry
from ctm.directory.models.entry import SEALED_CONTACT_FIELDS
from tests.directory.objects import entry
from tests.factories import make_member

pytestmark = pytest.mark.django_db
SAFE_HOUSE = {
    "name": "Partner accommodation",
    "city": "Orhei",
    "address": "Strada Ascunsa 7, apt 3",
    "phone": "+373 69 123 456",
    "emergency_line": "+373 79 654 321",
    "email": "officer.trusted@example.org",
    "notes": "Ask for Inspector Rusu; back entrance only",
}


@pytest.fixture
def editor(personas):
    return make_member(personas.org, Role.DIRECTORY_EDITOR, "direditor")


@pytest.fixture
def safe_house(editor):
    return entry(editor, shared=False, **SAFE_HOUSE)


def _raw(table: str, pk: int) -> dict[str, str]:
    with connection.cursor() as cur:
        columns = ", ".join(SEALED_CONTACT_FIELDS)  # constants of the model, never input
        cur.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return dict(zip(SEALED_CONTACT_FIELDS, cur.fetchone(), strict=True))


def test_the_raw_row_of_a_private_entry_holds_no_plaintext(safe_house, editor, personas):
    raw = _raw("directory_privateentry", safe_house.pk)
    dump = repr(raw)
    for field in SEALED_CONTACT_FIELDS:
        assert raw[field].startswith("v1:"), field
        assert SAFE_HOUSE[field] not in dump
    for fragment in ("Ascunsa", "123 456", "trusted", "Rusu"):
        assert fragment not in dump
    # a change through the domain is stored encrypted too
    mine = get_entry_for_user(editor, safe_house.ref, write=True)
    update_entry(mine, by=editor, data={"phone": "+373 60 999 888"})
    assert "999 888" not in repr(_raw("directory_privateentry", safe_house.pk))
    # the shared directory is public by design and stays in clear
    shared = entry(editor, name="Hotline", phone="+373 22 000 111")
    assert _raw("directory_sharedentry", shared.pk)["phone"] == "+373 22 000 111"


def test_a_private_entry_loaded_around_the_doors_stays_sealed(safe_house, personas):
    with no_identifying_access(), organization_scope(personas.org):
        loaded = PrivateEntry.objects.get(pk=safe_house.pk)
        assert "Ascunsa" not in repr(vars(loaded))
        for field in SEALED_CONTACT_FIELDS:
            with pytest.raises(IdentifyingReadError):
                getattr(loaded, field)
        with pytest.raises(IdentifyingReadError):
            [str(v) for v in PrivateEntry.objects.values_list("phone", flat=True)]
        assert loaded.name == SAFE_HOUSE["name"] and loaded.city == "Orhei"  # the fields in clear still load


def test_every_read_of_a_private_entry_is_logged_in_its_organizations_log(safe_house, personas, client):
    client.force_login(personas.caseworker.user)
    before = ActivityLog.objects.order_by("-id").values_list("id", flat=True).first()
    page = client.get(reverse("directory:entry", args=[safe_house.ref])).content.decode()
    assert SAFE_HOUSE["address"] in page and SAFE_HOUSE["phone"] in page
    (viewed,) = ActivityLog.objects.filter(id__gt=before, action="directory.entry.viewed")
    assert viewed.organization_id == personas.org.pk and viewed.actor_id == personas.caseworker.user_id
    assert viewed.object_id == str(safe_house.pk)
    before = viewed.id
    listing = client.get(reverse("directory:list")).content.decode()
    assert SAFE_HOUSE["emergency_line"] in listing
    (listed,) = ActivityLog.objects.filter(id__gt=before, action="directory.entries.listed")
    assert listed.organization_id == personas.org.pk and listed.changes["entries"] == [None, 1]
    log = " ".join(f"{e.object_label} {e.changes}" for e in ActivityLog.objects.all())
    for field in SEALED_CONTACT_FIELDS:
        assert SAFE_HOUSE[field] not in log, field
    # a list holding no private entry opens nothing and logs nothing
    before = listed.id
    client.get(reverse("directory:list") + "?visibility=shared")
    assert not ActivityLog.objects.filter(id__gt=before, action__startswith="directory.entr").exists()


def test_search_reads_only_the_fields_in_clear_on_private_entries(safe_house, editor, personas):
    entry(editor, name="Shared shelter", notes="near Strada Ascunsa")

    def names(membership, text):
        return {e.name for e in directory_entries_for_user(membership, EntryFilters(text=text))}

    assert names(personas.caseworker, "orhei") == {SAFE_HOUSE["name"]}
    assert names(personas.caseworker, "partner accommodation") == {SAFE_HOUSE["name"]}
    assert names(personas.caseworker, "Rusu") == set()  # sealed notes are never searched
    assert names(personas.caseworker, "ascunsa") == {"Shared shelter"}  # shared notes still are


def test_another_organization_neither_sees_nor_finds_a_private_entry(safe_house, personas, client):
    outsider = personas.outsider
    for text in ("", "orhei", "partner", "Ascunsa", "123 456", "Rusu"):
        found = directory_entries_for_user(outsider, EntryFilters(text=text))
        assert safe_house.ref not in {e.ref for e in found}, text
    client.force_login(outsider.user)
    assert client.get(reverse("directory:entry", args=[safe_house.ref])).status_code == 404
    for url in (reverse("directory:list") + "?text=orhei", reverse("directory:export", args=["csv"]),
                reverse("directory:country", args=["MD"])):  # fmt: skip
        body = client.get(url).content.decode("utf-8-sig")
        for value in SAFE_HOUSE.values():
            assert value not in body, (url, value)
    # the attempt is a security event; no read of the entry was logged for the outsider
    assert ActivityLog.objects.filter(action="security.directory_entry.refused").exists()
    assert not ActivityLog.objects.filter(action="directory.entry.viewed", actor=outsider.user).exists()
    # even with the owner's scope entered by mistake, the outsider's query asks for its own organization
    assert not SharedEntry.objects.filter(name=SAFE_HOUSE["name"]).exists()


def test_the_api_serves_a_private_entry_to_its_organization_and_logs_it(safe_house, personas):
    from django.test import Client

    from ctm.accounts.domain.auth import create_api_token

    _token, raw = create_api_token(personas.caseworker, name="t", by=personas.caseworker.user)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    body = api.get(f"/api/v1/directory/{safe_house.ref}").json()
    assert body["phone"] == SAFE_HOUSE["phone"] and body["notes"] == SAFE_HOUSE["notes"]
    assert ActivityLog.objects.filter(action="directory.entry.viewed", object_id=str(safe_house.pk)).count() == 1
    _token, raw = create_api_token(personas.outsider, name="t", by=personas.outsider.user)
    outsider = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert outsider.get(f"/api/v1/directory/{safe_house.ref}").status_code == 404
    listed = outsider.get("/api/v1/directory?text=orhei").json()
    assert all(item["ref"] != safe_house.ref for item in listed["items"])


def test_a_referrals_copy_of_a_private_entry_keeps_no_sealed_field(safe_house, personas):
    from ctm.directory.domain.queries import snapshot

    copy = snapshot(get_entry_for_user(personas.caseworker, safe_house.ref))
    assert copy["ref"] == safe_house.ref and copy["name"] == SAFE_HOUSE["name"]
    for field in SEALED_CONTACT_FIELDS:
        assert SAFE_HOUSE[field] not in repr(copy)


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_the_rows_already_stored_and_reverses():
    """0002 on rows written in clear by 0001 (SQLite and PostgreSQL: the column type changes too)."""
    from django.db.migrations.executor import MigrationExecutor

    from ctm.core.reads import identifying_access
    from ctm.core.scopes import scopes_disabled

    before, after = [("directory", "0001_initial")], [("directory", "0002_private_entry_contacts_encrypted")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    executor.loader.build_graph()
    apps = executor.loader.project_state(before).apps
    Organization = apps.get_model("core", "Organization")
    Old = apps.get_model("directory", "PrivateEntry")
    org = Organization.objects.create(name="Migrating NGO", code="MIG", org_type="ngo", country="MD")
    old = Old.objects.create(organization=org, entry_type="shelter", country="MD", **SAFE_HOUSE)
    Old.objects.create(organization=org, name="No contact", entry_type="police", country="MD")
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    raw = _raw("directory_privateentry", old.pk)
    assert all(raw[f].startswith("v1:") for f in SEALED_CONTACT_FIELDS) and "Ascunsa" not in repr(raw)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    with scopes_disabled(), identifying_access("the test's own read"):
        migrated = PrivateEntry.objects.get(pk=old.pk)
        assert {f: getattr(migrated, f) for f in SEALED_CONTACT_FIELDS} == {f: SAFE_HOUSE[f] for f in SEALED_CONTACT_FIELDS}
        assert PrivateEntry.objects.get(name="No contact").phone == ""
    executor = MigrationExecutor(connection)
    executor.migrate(before)  # rolled back: in clear again, as 0001 stored them
    assert _raw("directory_privateentry", old.pk) == {f: SAFE_HOUSE[f] for f in SEALED_CONTACT_FIELDS}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_an_editor_changes_and_verifies_a_private_entry_through_the_pages(safe_house, editor, client):
    """In a request nothing is open: the change re-reads the row under its lock (sealed again) and reopens
    it for the change, logged as the change."""
    client.force_login(editor.user)
    form = {"name": SAFE_HOUSE["name"], "entry_type": "shelter", "country": "MD", "city": "Orhei",
            "phone": "+373 60 555 444", "address": SAFE_HOUSE["address"]}  # fmt: skip
    response = client.post(reverse("directory:edit", args=[safe_house.ref]), form)
    assert response.status_code == 302, response.content[:500]
    assert client.post(reverse("directory:verify", args=[safe_house.ref])).status_code == 302
    page = client.get(reverse("directory:entry", args=[safe_house.ref])).content.decode()
    assert "+373 60 555 444" in page and SAFE_HOUSE["emergency_line"] not in page  # the form left it empty
    assert "555 444" not in repr(_raw("directory_privateentry", safe_house.pk))
    assert ActivityLog.objects.filter(action="directory.entry.updated", object_id=str(safe_house.pk)).exists()
