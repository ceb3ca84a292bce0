"""Runs and estimates are background jobs: a page that follows their progress, then shows the result;
a failure in plain words; a job interrupted by a restart marked failed; a running job is not deleted."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.urls import reverse
from django.utils import timezone

from ctm.core.models import ActivityLog
from ctm.linkage.domain import estimate_job, run_job
from ctm.linkage.domain.progress import Progress
from ctm.linkage.engine import LINK_STAGES, MSEInputError
from ctm.linkage.enums import ESTIMATE_STAGES, RUN_STAGES
from ctm.linkage.models import Estimate, LinkageRun, LinkedRecord, ListUpload
from tests.linkage_platform.conftest import TABLE_CSV, list_csv, upload
from tests.linkage_platform.objects import make_estimate, make_run
from tests.linkage_platform.test_estimates import post_table
from tests.linkage_platform.test_runs import POLICE, SHELTER, start
from tests.runtime.thread_queue import database_queue

POLL = 'hx-trigger="every 2s"'  # the page polls its progress fragment (htmx), no meta refresh
WAIT = 120  # seconds: a generous limit for a slow machine; the jobs take a few seconds


def test_every_step_has_a_label():
    assert set(run_job.STEPS) == set(RUN_STAGES) == {"queued", "reading", *LINK_STAGES, "storing"}
    assert set(estimate_job.STEPS_BOOTSTRAP) == set(ESTIMATE_STAGES)
    assert set(estimate_job.STEPS_PLAIN) <= set(ESTIMATE_STAGES)
    assert list(run_job.STEPS.values()) == sorted(run_job.STEPS.values())


class Gates:
    """The test and the job take turns on the database (the in-memory SQLite of the tests has no busy
    wait): the job starts once the request that queued it has returned (`begin`), pauses right after
    writing a given progress (`reached`) and goes on when the test has read the page (`go`)."""

    def __init__(self) -> None:
        self.begin, self.reached, self.go = threading.Event(), threading.Event(), threading.Event()

    def release(self) -> None:
        self.begin.set()
        self.go.set()


def hold(monkeypatch, method: str, when) -> Gates:
    gates = Gates()
    real_start, real = Progress.start, getattr(Progress, method)

    def gated_start(self, stage):
        gates.begin.wait(WAIT)
        real_start(self, stage)

    def held(self, *args):
        real(self, *args)
        if when(*args):
            gates.reached.set()
            gates.go.wait(WAIT)

    monkeypatch.setattr(Progress, "start", gated_start)
    monkeypatch.setattr(Progress, method, held)
    return gates


@pytest.mark.django_db(transaction=True)
def test_an_estimate_runs_on_the_queue_and_its_page_follows_it(client, settings, personas, monkeypatch):
    queue = database_queue(settings)
    client.force_login(personas.data_manager.user)
    gates = hold(monkeypatch, "count", lambda stage, done, total: done == 1)
    try:
        response = post_table(client, TABLE_CSV, bootstrap=40)
        assert response.status_code == 302
        assert Estimate.objects.filter(organization=personas.org.pk).get().status == "queued"
        queue.start()  # a worker takes the job (here in a thread, so that the test can hold it)
        gates.begin.set()
        assert gates.reached.wait(WAIT), "the job never reached the bootstrap"
        estimate = Estimate.objects.filter(organization=personas.org.pk).get()
        assert estimate.status == "running" and estimate.stage == "bootstrap" and estimate.started_at
        assert 5 <= estimate.progress < 95
        body = client.get(response["Location"]).content.decode()
        assert POLL in body
        assert "Bootstrap 1/40" in body
        assert f'<progress id="job-progress" value="{estimate.progress}" max="100"' in body
        assert '<label for="job-progress">' in body and 'role="status"' in body
        assert "Download the report" not in body
    finally:
        gates.release()
        queue.wait()
    estimate.refresh_from_db()
    assert estimate.status == "done", estimate.error
    assert estimate.progress == 100 and estimate.finished_at >= estimate.started_at
    assert estimate.result["bootstrap"]["replicates"] == 40
    body = client.get(response["Location"]).content.decode()
    assert POLL not in body and "<progress" not in body
    assert f"{estimate.result['estimate']:,.0f}" in body and "Download the report (PDF)" in body
    assert ActivityLog.objects.filter(action="linkage.estimate.computed", object_id=str(estimate.pk)).exists()


@pytest.mark.django_db(transaction=True)
def test_a_run_links_on_the_queue_and_its_page_follows_it(
    client, settings, personas, registered_people, monkeypatch
):
    queue = database_queue(settings)
    client.force_login(personas.data_manager.user)
    gates = hold(monkeypatch, "stage", lambda stage: stage == "comparing")
    try:
        response = start(client, [upload("shelter.csv", list_csv(SHELTER)), upload("police.csv", list_csv(POLICE))])
        assert response.status_code == 302
        queued = client.get(response["Location"]).content.decode()
        assert POLL in queued and "Waiting to start…" in queued
        queue.start()
        gates.begin.set()
        assert gates.reached.wait(WAIT), "the job never reached the comparison of pairs"
        run = LinkageRun.objects.filter(organization=personas.org.pk).get()
        assert run.status == "running" and run.progress == run_job.STEPS["comparing"]
        assert ListUpload.objects.filter(run=run).count() == 2  # stored (encrypted) by the request
        assert not LinkedRecord.objects.filter(run=run).exists()
        body = client.get(response["Location"]).content.decode()
        assert POLL in body and "Comparing pairs…" in body
        assert f'value="{run.progress}" max="100"' in body
        assert "Clerical review" not in body and reverse("linkage:delete_run", args=[run.pk]) not in body
        assert client.get(reverse("linkage:review", args=[run.pk]))["Location"] == response["Location"]
    finally:
        gates.release()
        queue.wait()
    run.refresh_from_db()
    assert run.status == "done", run.error
    assert run.summary["records"] == LinkedRecord.objects.filter(run=run).count() > 0
    body = client.get(response["Location"]).content.decode()
    assert POLL not in body and "data:image/png;base64," in body and "Clerical review" in body
    assert ActivityLog.objects.filter(action="linkage.run.linked", object_id=str(run.pk)).exists()



@pytest.mark.django_db
def test_a_failed_run_says_why_in_plain_words_and_keeps_no_list(dm, personas, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("could not convert 'Olga Petrova 1995-04-02' in Traceback (most recent call last)")

    monkeypatch.setattr(run_job, "link_lists", broken)
    response = start(dm, [upload("shelter.csv", list_csv(SHELTER))], include_persons=False)
    assert response.status_code == 302
    run = LinkageRun.objects.filter(organization=personas.org.pk).get()
    assert run.status == "failed" and run.finished_at is not None
    body = dm.get(response["Location"]).content.decode()
    assert 'role="alert"' in body and "The lists could not be linked" in body
    assert "too small or too alike" in body
    for leak in ("Olga", "Petrova", "1995-04-02", "Traceback", "ValueError"):
        assert leak not in body and leak not in run.error
    assert POLL not in body and "<progress" not in body
    assert not ListUpload.objects.filter(run=run).exists()  # a failed run is never linked again
    assert ActivityLog.objects.filter(action="linkage.run.failed", object_id=str(run.pk)).exists()
    assert dm.post(reverse("linkage:delete_run", args=[run.pk])).status_code == 302
    assert not LinkageRun.objects.filter(pk=run.pk).exists()


@pytest.mark.django_db
def test_an_unexpected_error_names_its_kind_only(dm, personas, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("Olga Petrova")

    monkeypatch.setattr(run_job, "link_lists", broken)
    start(dm, [upload("shelter.csv", list_csv(SHELTER))], include_persons=False)
    run = LinkageRun.objects.filter(organization=personas.org.pk).get()
    body = dm.get(reverse("linkage:run", args=[run.pk])).content.decode()
    assert "An unexpected error stopped the run (RuntimeError)" in body and "Olga" not in body


@pytest.mark.django_db
def test_a_failed_estimate_says_why(dm, personas, monkeypatch):
    def broken(*args, **kwargs):
        raise MSEInputError("the model without interactions fails")

    monkeypatch.setattr(estimate_job, "estimate_result", broken)
    response = post_table(dm, TABLE_CSV, bootstrap=0)
    assert response.status_code == 302
    estimate = Estimate.objects.filter(organization=personas.org.pk).get()
    assert estimate.status == "failed" and estimate.result == {}
    body = dm.get(response["Location"]).content.decode()
    assert "No estimate can be made from this table: the model without interactions fails" in body
    assert "Download the report" not in body and POLL not in body
    report = dm.get(reverse("linkage:estimate_report", args=[estimate.pk, "pdf"]))
    assert report.status_code == 302 and report["Location"] == response["Location"]
    assert ActivityLog.objects.filter(action="linkage.estimate.failed", object_id=str(estimate.pk)).exists()


def _running(obj, minutes_ago: float, stage: str = "reading") -> None:
    type(obj).objects.filter(pk=obj.pk).update(
        status="running", stage=stage, progress=14, updated_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    obj.refresh_from_db()


@pytest.mark.django_db
def test_a_job_silent_since_a_restart_is_marked_failed_when_its_page_is_opened(dm, personas, settings):
    settings.CTM_JOB_STALE_MINUTES = 60
    run = make_run(personas.data_manager)
    ListUpload.objects.create(organization=personas.org, run=run, name="A", rows=1, key_id="k", blob=b"x")
    estimate = make_estimate(personas.data_manager)
    _running(run, 61)
    _running(estimate, 61, "bootstrap")
    assert LinkageRun.objects.get(pk=run.pk).status == "running"  # nothing happens until the page is opened
    body = dm.get(reverse("linkage:run", args=[run.pk])).content.decode()
    run.refresh_from_db()
    assert run.status == "failed" and "interrupted" in run.error
    assert "interrupted" in body and POLL not in body
    assert not ListUpload.objects.filter(run=run).exists()
    entry = ActivityLog.objects.get(action="linkage.run.interrupted", object_id=str(run.pk))
    assert entry.actor is None
    dm.get(reverse("linkage:estimate", args=[estimate.pk]))
    estimate.refresh_from_db()
    assert estimate.status == "failed" and "interrupted" in estimate.error
    assert ActivityLog.objects.filter(action="linkage.estimate.interrupted", object_id=str(estimate.pk)).exists()


@pytest.mark.django_db
def test_a_job_with_recent_progress_keeps_running_and_cannot_be_deleted(dm, personas, settings):
    settings.CTM_JOB_STALE_MINUTES = 60
    run = make_run(personas.data_manager)
    estimate = make_estimate(personas.data_manager, run)
    _running(run, 59, "training")
    _running(estimate, 1, "bootstrap")
    body = dm.get(reverse("linkage:run", args=[run.pk])).content.decode()
    assert POLL in body and "Training the model…" in body
    assert 'http-equiv="refresh"' not in body and "<noscript>" in body  # a "Refresh" link without JavaScript
    # deleting a running job is refused with a message, and nothing is logged
    confirm = dm.get(reverse("linkage:delete_run", args=[run.pk])).content.decode()
    assert '<button type="submit">Delete</button>' not in confirm and "still linking" in confirm
    response = dm.post(reverse("linkage:delete_run", args=[run.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("linkage:run", args=[run.pk])
    assert "still linking" in response.content.decode()
    response = dm.post(reverse("linkage:delete_estimate", args=[estimate.pk]), follow=True)
    assert "still being computed" in response.content.decode()
    assert LinkageRun.objects.filter(pk=run.pk).exists() and Estimate.objects.filter(pk=estimate.pk).exists()
    assert not ActivityLog.objects.filter(action__endswith=".deleted").exists()
    # nor is it re-clustered, reviewed or used for an estimate before it is done
    response = dm.post(reverse("linkage:recluster", args=[run.pk]), {"threshold": "0.5"})
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.threshold == 0.9
    assert dm.get(reverse("linkage:review", args=[run.pk])).status_code == 302
    response = dm.post(
        reverse("linkage:new_estimate"),
        {"source": "run", "run": run.pk, "method": "main", "max_order": 2, "bootstrap": 0, "seed": 1},
    )
    assert response.status_code == 400 and "run" in response.context["form"].errors
    listing = dm.get(reverse("linkage:runs")).content.decode()
    assert "Running" in listing


@pytest.mark.django_db
def test_a_busy_database_skips_a_progress_write_and_the_job_goes_on(personas, monkeypatch):
    from django.db import OperationalError
    from django.db.models import QuerySet

    estimate = make_estimate(personas.data_manager)
    _running(estimate, 0, "selecting")
    progress = Progress(Estimate, estimate.pk, estimate_job.STEPS_BOOTSTRAP)

    def locked(self, **kwargs):
        raise OperationalError("database table is locked")

    with monkeypatch.context() as m:
        m.setattr(QuerySet, "update", locked)
        progress.count("bootstrap", 1, 10)  # skipped, no error
    progress.count("bootstrap", 10, 10)
    estimate.refresh_from_db()
    assert estimate.stage == "bootstrap" and estimate.message == "10/10" and estimate.progress == 95
