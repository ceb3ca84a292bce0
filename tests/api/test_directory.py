"""The directory through the API: the same rules as the pages (the entry form checks bodies)."""

from __future__ import annotations

import pytest

from ctm.directory.models import PrivateEntry, SharedEntry

pytestmark = pytest.mark.django_db


def test_create_filter_and_bad_input(world, as_):
    admin = as_("org_admin")
    body = {
        "visibility": "private",
        "name": "Clinic",
        "entry_type": "health",
        "country": "MD",
        "services": ["medical"],
        "languages": ["ro", "ru"],
    }
    created = admin.post("/directory", body)
    assert created.status_code == 201, created.content
    assert created.json()["languages"] == ["ro", "ru"] and created.json()["stale"] is True
    found = as_("caseworker").get("/directory", service="medical", language="ru").json()
    assert [e["name"] for e in found["items"]] == ["Clinic"]
    bad = admin.post("/directory", {**body, "country": "ZZ", "email": "not-an-email", "languages": ["xx"]})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"country", "email", "languages"}
    assert admin.post("/directory", {**body, "services": ["teleport"]}).status_code == 422
    assert admin.post("/directory", {**body, "owner": 1}).status_code == 422  # unknown field
    assert PrivateEntry.objects.filter(name="Clinic").count() == 1


def test_outsider_never_sees_home_private_entries(world, as_):
    ref = world.ids["private_entry"]
    outsider = as_("outsider")
    assert outsider.get(f"/directory/{ref}").status_code == 404
    names = [e["name"] for e in outsider.get("/directory").json()["items"]]
    assert "Home private contact" not in names and "Shared shelter" in names
    assert outsider.patch(f"/directory/{ref}", {"name": "Taken"}).status_code == 404
    assert outsider.patch(f"/directory/{world.ids['shared_entry']}", {"name": "Taken"}).status_code == 403
    assert not SharedEntry.objects.filter(name="Taken").exists()


def test_patch_keeps_what_it_does_not_name(world, as_):
    ref = world.ids["private_entry"]
    response = as_("org_admin").patch(f"/directory/{ref}", {"hours": "9-17"})
    assert response.status_code == 200
    entry = PrivateEntry.objects.get(name="Home private contact")
    assert (
        entry.hours == "9-17"
        and entry.languages == "|ro|ru|"
        and entry.services == "|accommodation|psychosocial|"
    )
