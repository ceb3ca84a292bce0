"""Another organization's data manager and auditor see none of home's releases and datasets (404); the
long job runs in a real background thread; list pages cost the same queries for 1 item as for 3."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ctm.core.enums import Role
from ctm.core.errors import NotAllowed
from ctm.privacy.domain import releases as domain
from ctm.privacy.models import Dataset, Release
from tests.factories import make_member
from tests.privacy_platform.objects import (
    KANON,
    approved,
    ctdc_csv,
    ctdc_frame,
    kanon_form,
    make_release,
    post_new,
    upload,
)
from tests.runtime.thread_queue import database_queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(personas):
    dataset = upload(personas.data_manager, label="home-only dataset")
    return {
        "ready": make_release(personas.data_manager, label="home-only ready", dataset=dataset),
        "approved": approved(personas, label="home-only approved", dataset=dataset),
        "dataset": dataset,
    }


@pytest.fixture(params=[Role.DATA_MANAGER, Role.AUDITOR])
def foreigner(request, client, personas):
    member = make_member(personas.other_org, request.param, f"foreign-{request.param}")
    client.force_login(member.user)
    return client


def test_another_organization_gets_404_and_changes_nothing(foreigner, home):
    ready, done = home["ready"], home["approved"]
    assert foreigner.get(reverse("privacy:release", args=[ready.pk])).status_code == 404
    for url, data in (
        (reverse("privacy:review_release", args=[ready.pk]), {"decision": "approve", "reason": "x"}),
        (reverse("privacy:publish_release", args=[done.pk]), {}),
    ):
        assert foreigner.post(url, data).status_code in (403, 404)
    assert Release.objects.get(pk=ready.pk).status == "ready"
    assert Release.objects.get(pk=done.pk).status == "approved"
    for name in ("privacy:releases", "privacy:ledger"):
        body = foreigner.get(reverse(name)).content.decode()
        assert "home-only" not in body
    # unpublished releases are not public either
    assert foreigner.get(reverse("published:release", args=[done.pk])).status_code == 404
    assert foreigner.get(reverse("published:download", args=[done.pk, "data.csv"])).status_code == 404


def test_the_domain_refuses_another_organization(personas, home):
    foreign_dm = make_member(personas.other_org, Role.DATA_MANAGER, "foreign-dm")
    foreign_auditor = make_member(personas.other_org, Role.AUDITOR, "foreign-auditor")
    with pytest.raises(NotAllowed, match="another organization"):
        domain.create_release(by=foreign_dm, dataset=home["dataset"], label="", method="kanon", parameters=dict(KANON))
    with pytest.raises(NotAllowed, match="another organization"):
        domain.review_release(home["ready"], by=foreign_auditor, decision="approve", reason="x")
    with pytest.raises(NotAllowed, match="another organization"):
        domain.publish_release(home["approved"], by=foreign_dm)


def test_another_organizations_dataset_cannot_be_chosen(client, personas, home):
    foreign_dm = make_member(personas.other_org, Role.DATA_MANAGER, "foreign-dm")
    client.force_login(foreign_dm.user)
    page = client.get(reverse("privacy:new_release")).content.decode()
    assert "home-only dataset" not in page
    response = post_new(client, kanon_form(source="dataset", dataset=str(home["dataset"].pk)))
    assert response.status_code == 400 and "dataset" in response.context["form"].errors
    assert Release.objects.filter(organization=personas.other_org).count() == 0


def test_the_same_file_in_two_organizations_is_two_datasets(client, personas):
    data = ctdc_csv(ctdc_frame())
    client.force_login(personas.data_manager.user)
    assert post_new(client, kanon_form(), data).status_code == 302
    client.force_login(make_member(personas.other_org, Role.DATA_MANAGER, "foreign-dm").user)
    assert post_new(client, kanon_form(), data).status_code == 302
    assert Dataset.objects.filter(organization=personas.org).count() == 1
    assert Dataset.objects.filter(organization=personas.other_org).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_run_happens_on_the_queue(settings, personas):
    queue = database_queue(settings)
    release = domain.create_release(
        by=personas.data_manager, dataset=upload(personas.data_manager), label="", method="kanon",
        parameters=dict(KANON),
    )  # fmt: skip
    assert release.status == "queued"
    queue.start()
    queue.wait()
    release.refresh_from_db()
    assert release.status == "ready", release.error
    assert release.progress == 100 and release.report["privacy"]["k_achieved"] >= 3


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _synthetic(personas, dataset, status):
    params = {"method": "pacsynth", "epsilon": 0.1, "columns": KANON["columns"]}
    return Release.objects.create(
        organization=personas.org, dataset=dataset, created_by=personas.data_manager.user, label="s",
        method="synthetic", parameters=params, epsilon=0.1, status=status,
    )  # fmt: skip


def test_list_pages_queries_do_not_grow(client, personas):
    client.force_login(personas.data_manager.user)
    names = ("privacy:releases", "privacy:ledger", "published:list")
    _synthetic(personas, upload(personas.data_manager), "published")
    one = {name: count(client, reverse(name)) for name in names}
    for seed in range(2):
        _synthetic(personas, upload(personas.data_manager, ctdc_frame(seed=seed)), "published")
    three = {name: count(client, reverse(name)) for name in names}
    assert three == one
