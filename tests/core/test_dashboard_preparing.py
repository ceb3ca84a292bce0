"""The dashboard never counts on the request (docs/decisions/1106-dashboard-panels-prepared.md): with no
usable snapshot the page answers at once with each missing panel "being prepared" (a live status, a
link that works without JavaScript, htmx fetching the panel on load), queues the worker once, and
each panel fetched alone is counted alone and added to the scope's snapshot, of its own organization
only; `warm()` (at `ctm worker`'s start, after the demo and a restore) prepares every scope looked at.
"""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ctm.core.models import Office, PanelSnapshot
from ctm.core.panels import PanelScope, merge, panels_for, warm
from ctm.runtime.domain.worker import Worker, execute
from tests import factories as f
from tests.conftest import as_in_production
from tests.runtime.thread_queue import DATABASE_BACKEND

pytestmark = pytest.mark.django_db

SHARED = [
    "cases.caseload",
    "cases.offices",
    "cases.stages",
    "assistance.services",
    "assistance.tasks",
    "reintegration.returns",
]


@pytest.fixture(autouse=True)
def _snapshots_on_and_a_real_queue(settings):
    settings.CTM_DASHBOARD_REFRESH_SECONDS = 60
    settings.CTM_DASHBOARD_MAX_AGE_SECONDS = 900
    settings.TASKS = DATABASE_BACKEND  # jobs wait for a worker, as in production


def _run_queue() -> int:
    worker, ran = Worker(name="test-inline"), 0
    while (row := worker.claim()) is not None:
        assert execute(row)
        ran += 1
    return ran


def _queued():
    return DBTaskResult.objects.filter(task_path__endswith="refresh_dashboard", status="READY")


def _fragment(client, key, **query):
    return client.get(reverse("core:dashboard_panel", args=[key]), query, HTTP_HX_REQUEST="true")


@pytest.fixture
def uncountable():
    """Every shared panel raises if it is counted (what the page must never do)."""
    from ctm.core import panels

    kept = dict(panels._PANELS)

    def boom(scope):
        raise AssertionError("counted on the page's request")

    for key in SHARED:
        panels.register(dataclasses.replace(kept[key], compute=boom))
    yield
    panels._PANELS.update(kept)


def test_the_shared_panels_are_the_ones_listed_here(personas):
    assert sorted(p.key for p in panels_for(personas.case_manager) if not p.per_member) == sorted(SHARED)


def test_a_first_visit_counts_nothing_and_shows_every_panel_being_prepared(client, personas, uncountable):
    client.force_login(personas.case_manager.user)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('aria-busy="true"') == len(SHARED)
    assert '<p id="panels-status" role="status" aria-live="polite">6 panels are being prepared' in page
    for key in SHARED:  # a plain link without JavaScript
        assert f'<a href="{reverse("core:dashboard_panel", args=[key])}">' in page
    # fetched on load by htmx, one request per app: an app's panels counted together
    for keys in (SHARED[:3], SHARED[3:5], SHARED[5:]):
        together = reverse("core:dashboard_panels") + "?" + "&amp;".join(f"panel={k}" for k in keys)
        assert f'hx-get="{together}" hx-trigger="load" hx-swap="none"' in page
    assert page.count('hx-trigger="load"') == 3
    assert "Referrals" in page and 'id="panel-referrals-states"' in page  # the member's own: shown at once
    assert _queued().count() == 1
    row = PanelSnapshot.objects.get(organization=personas.org)
    assert row.panels == {} and row.refresh_requested_at is not None
    client.get(reverse("core:dashboard"))  # a second visit before the worker ran: no second job
    assert _queued().count() == 1


def test_a_panel_fetched_alone_is_counted_alone_and_kept(client, personas):
    client.force_login(personas.case_manager.user)
    client.get(reverse("core:dashboard"))
    response = _fragment(client, "cases.caseload")
    assert response.status_code == 200
    part = response.content.decode()
    assert "<html" not in part and 'id="panel-cases-caseload"' in part and "aria-busy" not in part
    assert '<th scope="row">caseworker</th>' in part
    assert 'hx-swap-oob="innerHTML:#panels-status">“Caseload per caseworker” is ready.' in part
    assert list(PanelSnapshot.objects.get(organization=personas.org).panels) == ["cases.caseload"]
    # without JavaScript: the same panel as a page of its own, with the way back
    page = client.get(reverse("core:dashboard_panel", args=["cases.caseload"])).content.decode()
    assert "<html" in page and '<th scope="row">caseworker</th>' in page and "Back to every panel" in page
    # the worker fills in the rest; the next visit shows every table, nothing being prepared
    assert _run_queue() == 1
    row = PanelSnapshot.objects.get(organization=personas.org)
    assert sorted(row.panels) == sorted(SHARED) and row.refresh_requested_at is None
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "aria-busy" not in page and "being prepared" not in page
    assert page.count("<table") == len(panels_for(personas.case_manager))


def _together(client, keys, **query):
    return client.get(reverse("core:dashboard_panels"), {"panel": keys, **query}, HTTP_HX_REQUEST="true")


def test_the_panels_being_prepared_come_together_counted_in_one_request(client, personas):
    """One request for every panel being prepared: each section swapped in place of its placeholder,
    the case panels' open cases read once, one write to the snapshot."""
    client.force_login(personas.case_manager.user)
    client.get(reverse("core:dashboard"))
    with CaptureQueriesContext(connection) as queries:
        response = _together(client, SHARED)
    assert response.status_code == 200
    part = response.content.decode()
    assert "<html" not in part and "aria-busy" not in part
    for key in SHARED:
        assert f'<section id="panel-{key.replace(".", "-")}" aria-labelledby=' in part
    assert part.count('hx-swap-oob="true"') == len(SHARED)
    assert '<th scope="row">caseworker</th>' in part
    assert 'hx-swap-oob="innerHTML:#panels-status">6 panels are ready.' in part
    sqls = [q["sql"] for q in queries.captured_queries]
    case_reads = [s for s in sqls if 'FROM "cases_case"' in s and "assistance_task" not in s]
    assert len(case_reads) == 2  # the open cases grouped once (three panels), the assigned ones
    writes = [q for q in queries.captured_queries if q["sql"].startswith('UPDATE "core_panelsnapshot"')]
    assert len(writes) == 1
    assert sorted(PanelSnapshot.objects.get(organization=personas.org).panels) == sorted(SHARED)
    # asked again (a second tab): read from the snapshot, nothing counted
    with CaptureQueriesContext(connection) as again:
        assert _together(client, SHARED).status_code == 200
    assert not [q for q in again.captured_queries if 'FROM "cases_case"' in q["sql"]]


def _home_snapshot_then_outsider(client, personas):
    """Home's case manager fills home's snapshot (the worker runs); then the outsider signs in.
    (home's office, home's snapshot row, what it held)."""
    home_office = personas.org.offices.get(code="HQ")
    client.force_login(personas.case_manager.user)
    client.get(reverse("core:dashboard"))
    _run_queue()
    home_row = PanelSnapshot.objects.get(organization=personas.org)
    before = (home_row.panels, home_row.computed_at)
    client.force_login(personas.outsider.user)
    return home_office, home_row, before


def test_panels_asked_together_are_the_members_and_their_organizations_only(client, personas):
    home_office, home_row, before = _home_snapshot_then_outsider(client, personas)
    for query in ({}, {"office": home_office.pk}):
        part = _together(client, SHARED, **query).content.decode()
        assert '<th scope="row">outsider</th>' in part and '<th scope="row">caseworker</th>' not in part
    home_row.refresh_from_db()
    assert (home_row.panels, home_row.computed_at) == before
    assert _together(client, ["nope.nothing", "<script>"]).status_code == 404
    assert _together(client, ["referrals.states"]).status_code == 404  # the member's own: on the page
    client.force_login(personas.caseworker.user)
    assert _together(client, SHARED).status_code == 403


def test_a_panel_fetched_by_the_outsider_is_its_own_and_never_touches_home(client, personas):
    """Home's snapshot holds home's caseload; the outsider asks for the same panel, with home's office
    or not: it gets its own organization's figures, and home's row is left as it was."""
    home_office, home_row, before = _home_snapshot_then_outsider(client, personas)
    for query in ({}, {"office": home_office.pk}):
        part = _fragment(client, "cases.caseload", **query).content.decode()
        assert '<th scope="row">outsider</th>' in part and '<th scope="row">caseworker</th>' not in part
    for key in SHARED:
        assert '<th scope="row">caseworker</th>' not in _fragment(client, key, office=home_office.pk).content.decode()
    home_row.refresh_from_db()
    assert (home_row.panels, home_row.computed_at) == before
    assert not PanelSnapshot.objects.filter(organization=personas.other_org, office=home_office).exists()
    # a job for home's row, run in the outsider's scope, finds no row
    from ctm.core.panels import refresh_snapshot
    from ctm.core.scopes import organization_scope

    with organization_scope(personas.other_org):
        assert refresh_snapshot(home_row.pk) is False


def test_who_may_fetch_a_panel(client, personas):
    assert client.get(reverse("core:dashboard_panel", args=["cases.caseload"])).status_code == 302
    client.force_login(personas.caseworker.user)
    assert _fragment(client, "cases.caseload").status_code == 403
    client.force_login(personas.case_manager.user)
    assert _fragment(client, "nope.nothing").status_code == 404
    assert _fragment(client, "<script>").status_code == 404
    # the member's own panel: counted for them, never kept
    assert _fragment(client, "referrals.states").status_code == 200
    assert all("referrals.states" not in r.panels for r in PanelSnapshot.objects.all())


def test_a_snapshot_past_its_age_or_of_another_day_is_prepared_again_not_shown(client, personas):
    client.force_login(personas.case_manager.user)
    client.get(reverse("core:dashboard"))
    _run_queue()
    f.make_case(personas.caseworker, given="Ana", family="Lungu")
    for change in (
        {"computed_at": timezone.now() - datetime.timedelta(seconds=901)},
        {"day": timezone.localdate() - datetime.timedelta(days=1)},
    ):
        PanelSnapshot.objects.filter(organization=personas.org).update(**change)
        page = client.get(reverse("core:dashboard")).content.decode()
        assert page.count('aria-busy="true"') == len(SHARED)  # the old figures are not shown
        assert PanelSnapshot.objects.get(organization=personas.org).panels == {}
        assert '<th scope="row">caseworker</th><td data-label="Open cases owned">2</td>' in (
            _fragment(client, "cases.caseload").content.decode()
        )
        _run_queue()


def test_a_panel_counted_before_the_row_was_started_again_is_not_kept(personas):
    """A slow panel request must not put figures older than the row's time into it."""
    today = timezone.localdate()
    scope = PanelScope(personas.org.pk, None, today)
    now = timezone.now()
    row = PanelSnapshot.objects.create(organization=personas.org, language="en", day=today, computed_at=now)
    from ctm.core.panels import PanelData

    merge(row, scope, {"cases.caseload": PanelData(["a"], [["old"]])}, now - datetime.timedelta(seconds=1))
    row.refresh_from_db()
    assert row.panels == {}
    merge(row, scope, {"cases.caseload": PanelData(["a"], [["new"]])}, now)
    row.refresh_from_db()
    assert row.panels["cases.caseload"]["rows"] == [["new"]]


def test_warm_prepares_every_scope_looked_at_and_each_organization(client, personas):
    north = Office.objects.create(organization=personas.org, name="North office", code="N", country="MD")
    client.force_login(personas.case_manager.user)
    client.get(reverse("core:dashboard"), {"office": north.pk})
    _run_queue()
    PanelSnapshot.objects.update(computed_at=timezone.now() - datetime.timedelta(seconds=3600))
    assert as_in_production(warm) == 3  # home's office, home whole, the outsider whole
    assert as_in_production(warm) == 0  # already asked
    assert _run_queue() == 3
    rows = PanelSnapshot.objects.all()
    assert sorted((r.organization_id, r.office_id or 0) for r in rows) == sorted(
        [(personas.org.pk, north.pk), (personas.org.pk, 0), (personas.other_org.pk, 0)]
    )
    assert all(sorted(r.panels) == sorted(SHARED) for r in rows)
    assert all(timezone.now() - r.computed_at < datetime.timedelta(seconds=60) for r in rows)


def test_the_worker_command_warms_the_dashboards_when_it_starts(personas, monkeypatch):
    from django.core.management import call_command

    from ctm.runtime.domain.worker import Worker as RealWorker

    monkeypatch.setattr(RealWorker, "run", lambda self: None)
    monkeypatch.setattr("ctm.runtime.management.commands.serve.refuse_pending_migrations", lambda: None)
    as_in_production(call_command, "worker", "--name", "warm-test")
    assert _queued().count() == 2  # each organization's whole scope
    as_in_production(call_command, "worker", "--name", "warm-test", "--batch")  # a batch run does not
    assert _queued().count() == 2
