"""The progress fragments that the pages of running jobs poll (htmx) instead of a meta refresh: a linkage
run, an estimate and a release. Each answers through its page's door, shows the progress in an
accessible form while the job runs, and once the job has ended tells htmx to stop polling (286) and
to load the whole page again (which shows the result or the error)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ctm.linkage.models import Estimate, LinkageRun
from ctm.privacy.models import Release
from tests.linkage_platform.objects import make_estimate, make_run
from tests.privacy_platform.objects import make_release

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _state(obj, status: str, progress: int = 0, stage: str = "queued") -> None:
    type(obj).objects.filter(pk=obj.pk).update(
        status=status, progress=progress, stage=stage, updated_at=timezone.now()
    )


def _jobs(personas):
    run = make_run(personas.data_manager)
    estimate = make_estimate(personas.data_manager, run)
    release = make_release(personas.data_manager)
    return [
        (run, "linkage:run_progress", "linkage:run", "training"),
        (estimate, "linkage:estimate_progress", "linkage:estimate", "bootstrap"),
        (release, "privacy:release_progress", "privacy:release", "anonymizing"),
    ]


def _client(membership) -> Client:
    client = Client()
    client.force_login(membership.user)
    return client


def test_a_running_job_answers_its_progress_accessibly(personas):
    dm = _client(personas.data_manager)
    for job, fragment, _page, stage in _jobs(personas):
        _state(job, "running", 37, stage)
        response = dm.get(reverse(fragment, args=[job.pk]), **HTMX)
        body = response.content.decode()
        assert response.status_code == 200, fragment
        assert "HX-Refresh" not in response and response["Cache-Control"] == "no-store"
        assert 'value="37"' in body and "<progress" in body and "37% done" in body
        progress_id = body.split('<progress id="')[1].split('"')[0]
        assert f'<label for="{progress_id}">' in body  # the progress bar has a label
        assert "<html" not in body and "<nav" not in body  # the fragment only
        _state(job, "queued", 0, "queued")
        assert 'value="0"' in dm.get(reverse(fragment, args=[job.pk]), **HTMX).content.decode()


def test_a_finished_or_failed_job_stops_the_polling_and_reloads_the_page(personas):
    dm = _client(personas.data_manager)
    for job, fragment, _page, _stage in _jobs(personas):
        for status in ("done", "failed") if not isinstance(job, Release) else ("ready", "failed"):
            _state(job, status, 100)
            response = dm.get(reverse(fragment, args=[job.pk]), **HTMX)
            assert response.status_code == 286, (fragment, status)
            assert response["HX-Refresh"] == "true"
        without_htmx = dm.get(reverse(fragment, args=[job.pk]))  # a plain request: the fragment, 200
        assert without_htmx.status_code == 200 and "HX-Refresh" not in without_htmx


def test_a_silent_job_is_marked_interrupted_by_its_fragment_too(personas, settings):
    settings.CTM_JOB_STALE_MINUTES = 60
    dm = _client(personas.data_manager)
    run = make_run(personas.data_manager)
    LinkageRun.objects.filter(pk=run.pk).update(
        status="running", stage="reading", updated_at=timezone.now() - datetime.timedelta(minutes=61)
    )
    response = dm.get(reverse("linkage:run_progress", args=[run.pk]), **HTMX)
    assert response.status_code == 286 and LinkageRun.objects.get(pk=run.pk).status == "failed"


def test_the_page_of_a_running_job_polls_its_fragment_and_has_a_link_without_javascript(personas):
    dm = _client(personas.data_manager)
    for job, fragment, page, stage in _jobs(personas):
        _state(job, "running", 12, stage)
        body = dm.get(reverse(page, args=[job.pk])).content.decode()
        region = body[body.index('id="job-progress-region"') - 5 :]
        region = region[: region.index(">")]
        assert 'role="status"' in region and 'aria-live="polite"' in region
        assert f'hx-get="{reverse(fragment, args=[job.pk])}"' in region and 'hx-trigger="every 2s"' in region
        assert 'http-equiv="refresh"' not in body and "<noscript>" in body
        _state(job, "failed", 12, stage)
        assert "hx-trigger" not in dm.get(reverse(page, args=[job.pk])).content.decode()


def test_the_fragments_are_behind_the_pages_doors(personas):
    """Another organization's data manager gets 404 (its jobs are not theirs); a caseworker 403."""
    outsider_dm = personas.outsider  # a case manager of the other organization
    from ctm.core.enums import Role
    from tests import factories as f

    foreign = f.make_member(personas.other_org, Role.DATA_MANAGER, "foreign-dm")
    for job, fragment, _page, stage in _jobs(personas):
        _state(job, "running", 50, stage)
        url = reverse(fragment, args=[job.pk])
        response = _client(foreign).get(url, **HTMX)
        assert response.status_code == 404, fragment
        assert b"50" not in response.content or b"<progress" not in response.content
        assert _client(personas.caseworker).get(url, **HTMX).status_code == 403
        assert _client(outsider_dm).get(url, **HTMX).status_code == 403
        anonymous = Client().get(url, **HTMX)  # htmx is sent to the login page (ctm.core.middleware)
        assert anonymous.status_code == 204 and anonymous["HX-Redirect"].startswith("/accounts/login/")
    assert Estimate.objects.count() == 1
