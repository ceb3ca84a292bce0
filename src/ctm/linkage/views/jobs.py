"""The pages a background job shares, whatever its kind (a linkage run, an estimate): declared once
per kind (`Job`), served by one view each (docs/decisions/1002-declared-parts-and-htmx.md).

- `Job.open`: the door of every page of the job: a data manager of its organization
  (`data_manager`, 403), the job of that organization (404), a job with no sign of life marked
  interrupted (failed) before anything is shown;
- `job_list`: the organization's jobs of the kind, newest first, a page at a time;
- `job_progress`: the progress part of the job's page, polled while it runs (htmx,
  ctm.core.views.progress), behind the page's own door;
- `delete_job`: the confirmation page and the deletion (refused while the job is working).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from ctm.core.views.progress import progress_response
from ctm.linkage.domain import estimates, runs
from ctm.linkage.domain.estimate_job import mark_interrupted as estimate_interrupted
from ctm.linkage.domain.queries.estimates import estimates_for_user, get_estimate_for_user
from ctm.linkage.domain.queries.runs import get_run_for_user, runs_for_user
from ctm.linkage.domain.run_job import mark_interrupted as run_interrupted
from ctm.linkage.enums import ESTIMATE_STAGES, RUN_STAGES
from ctm.linkage.views.helpers import data_manager, job_context, page_of


@dataclass(frozen=True)
class Job:
    """A kind of background job and its pages."""

    kind: str  # "run" or "estimate": the confirmation page's wording
    mine: Callable[[Any], Any]  # membership → the organization's jobs of this kind
    find: Callable[[Any, int], Any]  # (membership, pk) → the job, 404 if not the organization's
    interrupted: Callable[[Any], Any]  # marks a job with no sign of life as failed
    stages: dict[str, Any]  # stage → its label
    page: str  # the URL name of the job's page
    progress: str  # the URL name of its progress fragment
    listing: str  # the URL name of the list it goes back to once deleted
    list_template: str
    delete: Callable[..., None]  # the domain function: (job, *, by)

    def open(self, request: HttpRequest, pk: int) -> tuple[Any, Any]:
        membership = data_manager(request)
        job = self.find(membership, pk)
        self.interrupted(job)
        return membership, job

    def progress_context(self, request: HttpRequest, job: Any) -> dict[str, Any]:
        return job_context(request, job, self.stages, reverse(self.progress, args=[job.pk]))


RUN = Job(
    "run",
    runs_for_user,
    get_run_for_user,
    run_interrupted,
    RUN_STAGES,
    "linkage:run",
    "linkage:run_progress",
    "linkage:runs",
    "linkage/runs.html",
    runs.delete_run,
)
ESTIMATE = Job(
    "estimate",
    estimates_for_user,
    get_estimate_for_user,
    estimate_interrupted,
    ESTIMATE_STAGES,
    "linkage:estimate",
    "linkage:estimate_progress",
    "linkage:estimates",
    "linkage/estimates.html",
    estimates.delete_estimate,
)


@login_required
def job_list(request: HttpRequest, *, job: Job) -> HttpResponse:
    page = page_of(request, job.mine(data_manager(request)).order_by("-created_at", "-id"))
    return render(request, job.list_template, {"page": page})


@login_required
@require_GET
def job_progress(request: HttpRequest, pk: int, *, job: Job) -> HttpResponse:
    """The progress part of the job's page, polled while it runs (the page's own door)."""
    _membership, obj = job.open(request, pk)
    context = job.progress_context(request, obj)
    return progress_response(request, "linkage/_job_progress.html", context, running=obj.running)


@login_required
@require_http_methods(["GET", "POST"])
def delete_job(request: HttpRequest, pk: int, *, job: Job) -> HttpResponse:
    membership, obj = job.open(request, pk)
    if request.method == "POST":
        try:
            job.delete(obj, by=membership)
        except ValidationError as exc:  # still working on it
            messages.error(request, " ".join(exc.messages))
            return redirect(job.page, pk=obj.pk)
        return redirect(job.listing)
    return render(request, "linkage/confirm_delete.html", {"object": obj, "kind": job.kind})
