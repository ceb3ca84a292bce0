"""A manager's sign-in asks the worker to count their dashboard (ctm.core.panels.warm_at_sign_in): when
they open it after their case list, the page reads the snapshot instead of showing every panel "being
prepared" and counting on their requests. One job per scope however often they sign in; never for a
wrong password or a role without manager views; never a row of another organization; a database error
never fails the sign-in."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ctm.core.enums import CaseworkerScope, Role
from ctm.core.models import PanelSnapshot
from ctm.core.panels import _shared
from tests import factories as f
from tests.core.test_dashboard_snapshots import _run_queue
from tests.runtime.thread_queue import DATABASE_BACKEND

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _snapshots_on_and_a_worker_apart(settings):
    settings.CTM_DASHBOARD_REFRESH_SECONDS = 60
    settings.CTM_DASHBOARD_MAX_AGE_SECONDS = 900
    settings.TASKS = DATABASE_BACKEND  # the jobs wait for the worker, as in production


def _sign_in(client, username, password=f.PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def _queued():
    return DBTaskResult.objects.filter(task_path__endswith="refresh_dashboard")


def _busy(client) -> int:
    return client.get(reverse("core:dashboard")).content.decode().count('aria-busy="true"')


def test_a_managers_dashboard_is_counted_by_the_worker_while_they_reach_their_cases(client, personas):
    assert _sign_in(client, "manager").status_code == 302
    row = PanelSnapshot.objects.get(organization=personas.org)
    assert row.office_id is None and row.language == "en" and row.panels == {}
    assert row.refresh_requested_at is not None and _queued().count() == 1
    assert _run_queue() == 1  # the worker, while the manager is on their case list
    row.refresh_from_db()
    assert set(row.panels) == {p.key for p in _shared()}
    client.force_login(personas.case_manager.user)
    assert _busy(client) == 0  # read from the snapshot: nothing being prepared, nothing counted here


def test_without_the_sign_in_the_first_visit_prepares_every_panel(client, personas):
    """The behaviour the sign-in spares: the same manager, signed in without the login page."""
    client.force_login(personas.case_manager.user)
    assert _busy(client) == len(_shared())


def test_one_job_however_often_the_same_manager_signs_in(client, personas):
    for _ in range(3):
        assert _sign_in(client, "manager").status_code == 302
        client.logout()
    assert _queued().count() == 1 and PanelSnapshot.objects.count() == 1


def test_a_fresh_snapshot_is_left_as_it_is_and_a_stale_one_refreshed(client, personas):
    _sign_in(client, "manager")
    _run_queue()
    before = PanelSnapshot.objects.get(organization=personas.org)
    client.logout()
    _sign_in(client, "manager")
    after = PanelSnapshot.objects.get(organization=personas.org)
    assert after.panels == before.panels and after.computed_at == before.computed_at
    assert _queued().filter(status="READY").count() == 0  # nothing new asked of the worker
    PanelSnapshot.objects.update(computed_at=timezone.now() - datetime.timedelta(seconds=120))
    client.logout()
    _sign_in(client, "manager")
    stale = PanelSnapshot.objects.get(organization=personas.org)
    assert stale.panels == before.panels  # still shown as it was, a refresh queued
    assert _queued().filter(status="READY").count() == 1


@pytest.mark.parametrize("username", ["auditor", "datamanager", "fundreviewer", "caseworker"])
def test_no_job_for_a_role_without_manager_views(client, personas, username):
    assert _sign_in(client, username).status_code == 302
    assert not PanelSnapshot.objects.exists() and not _queued().exists()


def test_no_job_for_a_wrong_password_or_an_unknown_name(client, personas):
    assert _sign_in(client, "manager", "not-the-password").status_code == 400
    assert _sign_in(client, "nobody-here").status_code == 400
    assert not PanelSnapshot.objects.exists() and not _queued().exists()


def test_an_office_bound_caseworker_gets_their_office_and_the_outsider_only_theirs(client, personas):
    personas.org.caseworker_scope = CaseworkerScope.OFFICE
    personas.org.save(update_fields=["caseworker_scope"])
    office = personas.org.offices.order_by("id").first()
    bound = f.make_member(personas.org, Role.CASEWORKER, "bound", office=office)
    assert _sign_in(client, "bound").status_code == 302
    assert list(PanelSnapshot.objects.values_list("organization_id", "office_id")) == [
        (personas.org.pk, bound.office_id)
    ]
    client.logout()
    _sign_in(client, "outsider")
    rows = set(PanelSnapshot.objects.values_list("organization_id", "office_id"))
    assert rows == {(personas.org.pk, bound.office_id), (personas.other_org.pk, None)}
    _run_queue()
    outsider_row = PanelSnapshot.objects.get(organization=personas.other_org)
    caseload = outsider_row.panels["cases.caseload"]["rows"]
    assert [r[0] for r in caseload] == ["outsider"]  # its own figures, none of home's


def test_the_language_of_the_sign_in_is_the_snapshots(client, personas):
    client.cookies["django_language"] = "fr"
    _sign_in(client, "manager")
    assert PanelSnapshot.objects.get().language == "fr"


def test_a_database_error_never_fails_the_sign_in(client, personas, monkeypatch, caplog):
    def busy(*args, **kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr("ctm.accounts.views.auth.warm_at_sign_in", busy)
    assert _sign_in(client, "manager").status_code == 302
    assert "dashboard not warmed at sign-in: DatabaseError" in caplog.text
    assert "manager" not in caplog.text.replace("ctm.accounts", "")  # no name in the log line
