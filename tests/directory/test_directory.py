"""The contact directory: shared and private entries, edits by editors only, the stale flag, filters,
the country pages, and what another organization must never see."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ctm.core.enums import Role
from ctm.core.errors import NotAllowed
from ctm.core.models import ActivityLog
from ctm.directory.domain.entries import delete_entry, update_entry, verify_entry
from ctm.directory.domain.queries import (
    EntryFilters,
    directory_entries_for_user,
    get_entry_for_user,
    snapshot,
)
from ctm.directory.geography import un_region
from ctm.directory.models import PrivateEntry, SharedEntry
from tests.directory.objects import entry
from tests.factories import make_member

pytestmark = pytest.mark.django_db
SECRET = "Safe house on Strada Ascunsa"


@pytest.fixture
def editor(personas):
    return make_member(personas.org, Role.DIRECTORY_EDITOR, "direditor")


def test_editors_write_and_every_change_is_logged(personas, editor):
    shelter = entry(editor)
    update_entry(shelter, by=personas.org_admin, data={"hours": "24/7"})
    verify_entry(shelter, by=editor)
    actions = list(
        ActivityLog.objects.filter(object_type="directory.sharedentry")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["directory.entry.created", "directory.entry.updated", "directory.entry.verified"]
    delete_entry(shelter, by=editor)
    assert not SharedEntry.objects.exists()


@pytest.mark.parametrize("role", ["caseworker", "case_manager", "fund_reviewer", "auditor", "data_manager"])
def test_other_roles_read_but_cannot_write(personas, editor, role):
    shelter = entry(editor)
    member = getattr(personas, role)
    assert [e.ref for e in directory_entries_for_user(member)] == [shelter.ref]
    with pytest.raises(NotAllowed):
        entry(member)
    with pytest.raises(NotAllowed):
        update_entry(shelter, by=member, data={"name": "Changed"})
    with pytest.raises(NotAllowed):
        get_entry_for_user(member, shelter.ref, write=True)
    assert SharedEntry.objects.get().name == "Casa Speranta shelter"


def test_private_entries_stay_in_their_organization(personas, editor, client):
    mine = entry(editor, shared=False, name=SECRET)
    outsider_admin = make_member(personas.other_org, Role.ORG_ADMIN, "outadmin")
    theirs = entry(outsider_admin, shared=False, name="Outsider contact")
    shared = entry(outsider_admin, name="Shared hotline", entry_type="hotline")
    seen = {e.ref for e in directory_entries_for_user(personas.outsider)}
    assert seen == {theirs.ref, shared.ref}
    with pytest.raises(Http404):
        get_entry_for_user(personas.outsider, mine.ref)
    assert ActivityLog.objects.filter(action="security.directory_entry.refused").count() == 1
    client.force_login(personas.outsider.user)
    assert client.get(reverse("directory:entry", args=[mine.ref])).status_code == 404
    for url in (
        reverse("directory:list"),
        reverse("directory:country", args=["MD"]),
        reverse("directory:export", args=["csv"]),
    ):
        body = client.get(url).content.decode("utf-8-sig")
        assert SECRET not in body and "Shared hotline" in body
    assert client.post(reverse("directory:edit", args=[mine.ref]), {"name": "x"}).status_code == 403
    assert PrivateEntry.objects.get(pk=mine.pk).name == SECRET


def test_a_reference_of_the_other_kind_finds_nothing(personas, editor):
    """`p<id>` of a shared entry's id, `s<id>` of a private one: never the other table's row."""
    private = entry(editor, shared=False)
    with pytest.raises(Http404):
        get_entry_for_user(personas.caseworker, f"s{private.pk}")
    for ref in ("", "x1", "p", "s-1", "p1 OR 1=1", "s99999"):
        with pytest.raises(Http404):
            get_entry_for_user(personas.caseworker, ref)


def test_stale_after_twelve_months(personas, editor):
    old = entry(editor, name="Old", last_verified_on=datetime.date.today() - datetime.timedelta(days=400))
    fresh = entry(editor, name="Fresh")
    never = entry(editor, name="Never", last_verified_on=None)
    assert old.stale and never.stale and not fresh.stale
    stale = directory_entries_for_user(personas.caseworker, EntryFilters(stale=True))
    assert {e.name for e in stale} == {"Old", "Never"}
    verify_entry(old, by=editor)
    assert not old.stale and old.verified_by == editor.user


def test_filters(personas, editor):
    entry(editor, name="Shelter MD")
    entry(
        editor,
        name="Police UA",
        entry_type="police",
        country="UA",
        services="|identification|",
        languages="|uk|",
    )
    entry(editor, name="Clinic MD", entry_type="health", services="|medical|", languages="|ro|", city="Balti")

    def names(**f):
        return {e.name for e in directory_entries_for_user(personas.caseworker, EntryFilters(**f))}

    assert names(country="MD") == {"Shelter MD", "Clinic MD"}
    assert names(entry_type="police") == {"Police UA"}
    assert names(service="accommodation") == {"Shelter MD"}
    assert names(language="ru") == {"Shelter MD"}
    assert names(language="r") == set()  # a code is matched whole, never a prefix
    assert names(text="balti") == {"Clinic MD"}
    assert names(country="MD", service="accommodation", language="ro", population="women") == {"Shelter MD"}


def test_countries_and_regions_come_from_the_libraries(personas, editor, client):
    entry(editor)
    assert un_region("MD") == "Eastern Europe"
    client.force_login(personas.caseworker.user)
    page = client.get(reverse("directory:countries")).content.decode()
    assert "Moldova" in page and "Eastern Europe" in page
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    page = client.get(reverse("directory:country", args=["MD"])).content.decode()
    assert "Moldova, République de" in page and "Europe de l’Est" in page
    assert client.get(reverse("directory:country", args=["XX"])).status_code == 404


def test_every_un_region_has_a_translatable_name():
    from ctm.directory.geography import region_codes
    from ctm.directory.phrases import UN_REGIONS

    assert {r for r in region_codes().values() if r} == set(UN_REGIONS)


def test_list_queries_do_not_grow(personas, editor, client):
    entry(editor)
    entry(editor, shared=False)
    client.force_login(personas.caseworker.user)
    url = reverse("directory:list")
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for n in range(3):
        entry(editor, name=f"More {n}", shared=bool(n % 2))
    with CaptureQueriesContext(connection) as more:
        assert client.get(url).status_code == 200
    assert len(more.captured_queries) == len(one.captured_queries)


def test_snapshot_for_a_referral(personas, editor):
    shelter = entry(editor)
    snap = snapshot(get_entry_for_user(personas.caseworker, shelter.ref))
    assert snap["name"] == "Casa Speranta shelter" and snap["ref"] == shelter.ref
    assert snap["emergency_line"] == "0 800 77777"


def test_pages_for_an_editor(personas, editor, client):
    client.force_login(editor.user)
    response = client.post(
        reverse("directory:new"),
        {
            "name": "Hotline",
            "entry_type": "hotline",
            "country": "MD",
            "visibility": "private",
            "languages": ["ro"],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = PrivateEntry.objects.get()
    assert created.organization_id == personas.org.pk and created.languages == "|ro|"
    response = client.post(reverse("directory:new"), {"name": "", "entry_type": "nope", "country": "ZZ"})
    assert response.status_code == 400
    assert client.post(reverse("directory:verify", args=[created.ref])).status_code == 302
    assert client.get(reverse("directory:entry", args=[created.ref])).status_code == 200
