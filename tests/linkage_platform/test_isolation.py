"""Another organization's data manager sees none of home's runs and estimates (404), and list pages
cost the same number of queries for 1 item as for 3."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ctm.core.enums import Role
from ctm.linkage.models import Estimate, LinkageRun, LinkedRecord, ScoredPair
from tests.factories import make_member
from tests.linkage_platform.objects import make_estimate, make_run

pytestmark = pytest.mark.django_db


@pytest.fixture
def home(personas):
    run = make_run(personas.data_manager)
    estimate = make_estimate(personas.data_manager, run)
    return {"run": run, "pair": ScoredPair.objects.get(run=run), "estimate": estimate}


@pytest.fixture
def foreign_dm(client, personas):
    member = make_member(personas.other_org, Role.DATA_MANAGER, "foreign-dm")
    client.force_login(member.user)
    return client


def object_urls(h):
    run, pair, est = h["run"].pk, h["pair"].pk, h["estimate"].pk
    return [
        ("get", reverse("linkage:estimate", args=[est])),
        ("get", reverse("linkage:estimate_report", args=[est, "html"])),
        ("get", reverse("linkage:estimate_report", args=[est, "pdf"])),
        ("get", reverse("linkage:delete_estimate", args=[est])),
        ("post", reverse("linkage:delete_estimate", args=[est])),
        ("get", reverse("linkage:run", args=[run])),
        ("post", reverse("linkage:recluster", args=[run])),
        ("get", reverse("linkage:review", args=[run])),
        ("get", reverse("linkage:pair", args=[run, pair])),
        ("post", reverse("linkage:decide", args=[run, pair])),
        ("get", reverse("linkage:delete_run", args=[run])),
        ("post", reverse("linkage:delete_run", args=[run])),
    ]


def test_another_organizations_data_manager_gets_404(foreign_dm, personas, home):
    for method, url in object_urls(home):
        data = {"threshold": "0.5", "decision": "accepted"} if method == "post" else None
        response = foreign_dm.post(url, data) if method == "post" else foreign_dm.get(url)
        assert response.status_code == 404, f"{method} {url}"
    assert LinkageRun.objects.filter(pk=home["run"].pk, threshold=0.9).exists()
    assert Estimate.objects.filter(pk=home["estimate"].pk).exists()
    assert ScoredPair.objects.get(pk=home["pair"].pk).decision == ""
    for name in ("linkage:estimates", "linkage:runs"):
        body = foreign_dm.get(reverse(name)).content.decode()
        assert "fixture" not in body


def test_another_organizations_run_cannot_feed_an_estimate(foreign_dm, home):
    page = foreign_dm.get(reverse("linkage:new_estimate") + f"?run={home['run'].pk}")
    assert page.status_code == 200 and "run" not in page.context["form"].initial
    response = foreign_dm.post(
        reverse("linkage:new_estimate"),
        {"source": "run", "run": home["run"].pk, "method": "main", "max_order": 2, "bootstrap": 0, "seed": 1},
    )
    assert response.status_code == 400 and "run" in response.context["form"].errors


def test_other_roles_of_home_are_refused(client, personas, home):
    for role in ("caseworker", "case_manager", "org_admin", "auditor", "fund_reviewer"):
        client.force_login(getattr(personas, role).user)
        for method, url in object_urls(home):
            response = client.post(url, {}) if method == "post" else client.get(url)
            assert response.status_code == 403, f"{role} {method} {url}"


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_list_pages_queries_do_not_grow(dm, personas):
    run = make_run(personas.data_manager)
    make_estimate(personas.data_manager, run)
    one = {name: count(dm, reverse(name)) for name in ("linkage:estimates", "linkage:runs")}
    one["review"] = count(dm, reverse("linkage:review", args=[run.pk]))
    for _ in range(2):
        other = make_run(personas.data_manager)
        make_estimate(personas.data_manager, other)
        a, b = LinkedRecord.objects.filter(run=run)
        ScoredPair.objects.create(
            organization=personas.org,
            run=run,
            left=a,
            right=b,
            match_weight=2.0,
            match_probability=0.85,
            decision="rejected",
            decided_by=personas.data_manager.user,
        )
    assert ScoredPair.objects.filter(run=run).count() == 3
    three = {name: count(dm, reverse(name)) for name in ("linkage:estimates", "linkage:runs")}
    three["review"] = count(dm, reverse("linkage:review", args=[run.pk]))
    assert three == one
