"""The manager views read a snapshot per organization, office and language (ctm.core.panels.figures):
never another organization's, dated on the page ("figures as of"), refreshed by the job worker once
older than CTM_DASHBOARD_REFRESH_SECONDS (one job, however many visits), computed again on the request
past CTM_DASHBOARD_MAX_AGE_SECONDS or on another day; the table, its CSV, its chart and the API read
the same snapshot."""

from __future__ import annotations

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ctm.cases.models import Case
from ctm.core.models import Office, PanelSnapshot
from ctm.core.panels import PanelScope, figures
from ctm.core.scopes import organization_scope
from ctm.runtime.domain.worker import Worker, execute
from tests import factories as f
from tests.runtime.thread_queue import DATABASE_BACKEND

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _snapshots_on(settings):
    settings.CTM_DASHBOARD_REFRESH_SECONDS = 60
    settings.CTM_DASHBOARD_MAX_AGE_SECONDS = 900


def _csv(client, key, **query):
    response = client.get(reverse("core:dashboard_csv", args=[key]), query)
    assert response.status_code == 200, response.content[:500]
    return list(csv.reader(io.StringIO(response.content.decode()))), response["Content-Disposition"]


def _caseload(client):
    return _csv(client, "cases.caseload")[0][1:]


def _age(org, seconds):
    """As if the organization's snapshots had been computed `seconds` ago."""
    earlier = timezone.now() - datetime.timedelta(seconds=seconds)
    PanelSnapshot.objects.filter(organization=org).update(computed_at=earlier)


def _run_queue():
    worker, ran = Worker(name="test-inline"), 0
    while (row := worker.claim()) is not None:
        assert execute(row)
        ran += 1
    return ran


def test_an_organization_never_reads_another_organizations_snapshot(client, personas):
    """Home's manager stores home's snapshot; the outsider, asking for home's office or not, through
    the page, the CSV, the API, or the snapshot rows themselves, only ever gets its own."""
    home_office = personas.org.offices.get(code="HQ")
    Case.objects.filter(pk=personas.case.pk).update(office=home_office)
    client.force_login(personas.case_manager.user)
    assert _caseload(client) == [["caseworker", "1", "0"]]
    assert _csv(client, "cases.caseload", office=home_office.pk)[0][1:] == [["caseworker", "1", "0"]]
    assert PanelSnapshot.objects.filter(organization=personas.org).count() == 2  # whole organization, office
    with CaptureQueriesContext(connection) as again:
        assert _caseload(client) == [["caseworker", "1", "0"]]
    assert not [q for q in again.captured_queries if "cases_case" in q["sql"]]  # read from the snapshot

    client.force_login(personas.outsider.user)
    assert _caseload(client) == [["outsider", "1", "0"]]
    assert _csv(client, "cases.caseload", office=home_office.pk)[0][1:] == [["outsider", "1", "0"]]
    page = client.get(reverse("core:dashboard"), {"office": home_office.pk}).content.decode()
    assert '<th scope="row">caseworker</th>' not in page and '<th scope="row">outsider</th>' in page
    from ctm.accounts.domain.auth import create_api_token

    _t, raw = create_api_token(personas.outsider, name="t", by=personas.outsider.user)
    api = client.get("/api/v1/dashboard/cases.caseload", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.json()["rows"] == [["outsider", 1, 0]]
    assert (
        client.get(
            "/api/v1/dashboard", {"office": home_office.pk}, HTTP_AUTHORIZATION=f"Bearer {raw}"
        ).status_code
        == 422
    )
    # in the outsider's scope, home's rows do not exist, even asked for by their organization
    with organization_scope(personas.other_org):
        assert not PanelSnapshot.objects.filter(organization=personas.org).exists()
        outsider_scope = PanelScope(personas.other_org.pk, home_office.pk, timezone.localdate())
        assert (
            figures(outsider_scope).panels["cases.caseload"].rows == []
        )  # home's office in its org: nothing


def test_the_page_says_as_of_when_and_shows_a_change_within_the_documented_delay(client, personas):
    client.force_login(personas.case_manager.user)
    page = client.get(reverse("core:dashboard")).content.decode()
    as_of = timezone.localtime(PanelSnapshot.objects.get(organization=personas.org).computed_at)
    assert f"Figures as of {as_of:%H:%M}" in page and "more than 60 seconds old" in page
    f.make_case(personas.caseworker, given="Ana", family="Lungu")  # the change

    # within the refresh delay: the snapshot, dated, as it was
    assert _caseload(client) == [["caseworker", "1", "0"]]
    # past it: this visit still shows the snapshot and queues one refresh (run at once in tests) ...
    _age(personas.org, 61)
    assert _caseload(client) == [["caseworker", "1", "0"]]
    # ... which the next visit shows, newly dated
    assert _caseload(client) == [["caseworker", "2", "0"]]
    assert timezone.now() - PanelSnapshot.objects.get(
        organization=personas.org
    ).computed_at < datetime.timedelta(seconds=60)

    # a snapshot past the maximum age (no worker ran) is never shown: counted again on the request
    f.make_case(personas.caseworker, given="Ion", family="Rusu")
    _age(personas.org, 901)
    assert _caseload(client) == [["caseworker", "3", "0"]]
    # nor one of another day (ages in stage and months count from the day)
    f.make_case(personas.caseworker, given="Eva", family="Rusu")
    PanelSnapshot.objects.filter(organization=personas.org).update(
        day=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert _caseload(client) == [["caseworker", "4", "0"]]


def test_the_worker_refreshes_a_stale_snapshot_once_however_many_visits(client, personas, settings):
    settings.TASKS = DATABASE_BACKEND
    client.force_login(personas.case_manager.user)
    _caseload(client)
    f.make_case(personas.caseworker, given="Ana", family="Lungu")
    _age(personas.org, 61)
    for _ in range(3):
        assert _caseload(client) == [["caseworker", "1", "0"]]  # shown as it was, while the job waits
    queued = DBTaskResult.objects.filter(task_path__endswith="refresh_dashboard")
    assert queued.count() == 1
    assert PanelSnapshot.objects.get(organization=personas.org).refresh_requested_at is not None
    assert _run_queue() == 1
    row = PanelSnapshot.objects.get(organization=personas.org)
    assert row.refresh_requested_at is None and timezone.now() - row.computed_at < datetime.timedelta(
        seconds=60
    )
    assert _caseload(client) == [["caseworker", "2", "0"]]
    # a job given up clears the mark: the next stale visit queues another
    from ctm.core.domain.tasks import after_interruption

    _age(personas.org, 61)
    _caseload(client)
    after_interruption(PanelSnapshot.objects.get(organization=personas.org).pk, False)
    assert PanelSnapshot.objects.get(organization=personas.org).refresh_requested_at is None
    _caseload(client)
    assert queued.count() == 3


def test_the_csv_the_chart_the_table_and_the_api_show_the_same_snapshot(client, personas, monkeypatch):
    from ctm.accounts.domain.auth import create_api_token
    from ctm.core import charts

    client.force_login(personas.case_manager.user)
    client.get(reverse("core:dashboard"))  # a first visit: the worker (at once in tests) fills the row
    page = client.get(reverse("core:dashboard")).content.decode()
    f.make_case(personas.caseworker, given="Ana", family="Lungu")  # after the snapshot: in none of them
    one = client.get(reverse("core:dashboard_panel", args=["cases.caseload"]), HTTP_HX_REQUEST="true")
    rows, disposition = _csv(client, "cases.caseload")
    as_of = timezone.localtime(PanelSnapshot.objects.get(organization=personas.org).computed_at)
    assert rows[1:] == [["caseworker", "1", "0"]] and f"{as_of:%Y-%m-%d-%H%M}.csv" in disposition
    for shown in (page, one.content.decode()):
        assert re.search(r'<th scope="row">caseworker</th><td[^>]*>1</td><td[^>]*>0</td>', shown)
    drawn = {}
    monkeypatch.setattr(
        charts, "bars_png", lambda categories, series, **kw: drawn.update(series) or b"\x89PNG"
    )
    assert client.get(reverse("core:dashboard_chart", args=["cases.caseload"])).status_code == 200
    assert drawn == {"owned": [1], "assigned": [0]}
    _t, raw = create_api_token(personas.case_manager, name="t", by=personas.case_manager.user)
    api = client.get("/api/v1/dashboard/cases.caseload", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert api["rows"] == [["caseworker", 1, 0]]
    assert abs(datetime.datetime.fromisoformat(api["as_of"]) - as_of) < datetime.timedelta(milliseconds=1)


def test_a_snapshot_per_office_and_language_and_none_of_a_members_own_panel(client, personas):
    north = Office.objects.create(organization=personas.org, name="North office", code="N", country="MD")
    client.force_login(personas.case_manager.user)
    assert _csv(client, "cases.offices", office=north.pk)[0][1:] == []
    client.cookies["django_language"] = "fr"
    french = _csv(client, "cases.offices")[0]
    assert french[0][0] == "Bureau"
    rows = PanelSnapshot.objects.filter(organization=personas.org)
    assert sorted((r.office_id or 0, r.language) for r in rows) == [(0, "fr"), (north.pk, "en")]
    assert all(list(r.panels) == ["cases.offices"] for r in rows)  # a CSV counts its panel alone
    client.get(reverse("core:dashboard"))  # the page asks the worker (at once in tests) for the rest
    client.get(reverse("core:dashboard"), {"office": north.pk})
    filled = {(r.office_id or 0, r.language): r.panels for r in rows.all()}
    assert all("referrals.states" not in panels for panels in filled.values())  # the member's own
    assert "cases.stages" in filled[(0, "fr")] and "cases.stages" in filled[(north.pk, "fr")]
    assert list(filled[(north.pk, "en")]) == ["cases.offices"]  # not visited since
