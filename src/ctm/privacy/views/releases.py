"""The release pages of an organization: list, new release, the release (progress, preview, review,
publishing) and the privacy-budget ledger."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ctm.core.views.progress import POLL_SECONDS, progress_response
from ctm.privacy.domain import datasets as dataset_domain
from ctm.privacy.domain import releases as domain
from ctm.privacy.domain import report
from ctm.privacy.domain.queries.ledger import ledger_for_user
from ctm.privacy.domain.queries.releases import get_release_for_user, release_frame, releases_for_user
from ctm.privacy.enums import RUNNING_STATES, STAGES, DatasetSource, ReleaseStatus
from ctm.privacy.interfaces.forms import EARLIER, ReleaseForm, ReviewForm, add_errors
from ctm.privacy.models import Release
from ctm.privacy.rules import can_prepare_releases, can_review_releases
from ctm.privacy.views.helpers import page_of, preparer, reader, reviewer

GET_POST = require_http_methods(["GET", "POST"])
SAMPLE_ROWS = 20


@login_required
def release_list(request: HttpRequest) -> HttpResponse:
    membership = reader(request)
    page = page_of(request, releases_for_user(membership).order_by("-created_at", "-id"))
    return render(request, "privacy/releases.html", {"page": page, "running": RUNNING_STATES})


@login_required
@GET_POST
def new_release(request: HttpRequest) -> HttpResponse:
    membership = preparer(request)  # the upload stays in memory: settings.FILE_UPLOAD_HANDLERS
    form = ReleaseForm(request.POST or None, request.FILES or None, membership=membership)
    if request.method == "POST" and form.is_valid():
        try:
            release = _create(membership, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("privacy:release", pk=release.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "privacy/release_new.html", {"form": form}, status=status)


def _create(membership: Any, d: dict[str, Any]) -> Release:
    with transaction.atomic():  # an upload is kept only with the release made from it
        if d["source"] == DatasetSource.UPLOAD:
            dataset = dataset_domain.upload_dataset(by=membership, frame=d["frame"], filename=d["filename"])
        elif d["source"] == EARLIER:
            dataset = d["dataset"]
        else:
            dataset = dataset_domain.own_cases_dataset(by=membership)
        return domain.create_release(
            by=membership, dataset=dataset, label=d["label"], method=d["method"], parameters=d["parameters"]
        )


def _sample(release: Release) -> tuple[list[str], list[list[Any]]]:
    if release.status in RUNNING_STATES or release.status == ReleaseStatus.FAILED:
        return [], []
    frame = release_frame(release).head(SAMPLE_ROWS)
    rows = [["" if v is None else v for v in row] for row in frame.astype(object).itertuples(index=False)]
    return [str(c) for c in frame.columns], rows


def _release_page(
    request: HttpRequest, membership: Any, release: Release, form: Any = None, status: int = 200
) -> HttpResponse:
    domain.mark_interrupted(release)
    columns, rows = _sample(release)
    running = release.status in RUNNING_STATES
    may_review = (
        can_review_releases(membership)
        and release.status == ReleaseStatus.READY
        and release.created_by_id != membership.user_id
    )
    context = {
        **(report.context(release) if not running else {"release": release}),
        "running": running,
        "stage_label": STAGES.get(release.stage, STAGES["queued"])[1],
        "sample_columns": columns,
        "sample_rows": rows,
        "review_form": form or (ReviewForm() if may_review else None),
        "own_release": release.created_by_id == membership.user_id,
        "may_publish": can_prepare_releases(membership) and release.status == ReleaseStatus.APPROVED,
        "progress_url": reverse("privacy:release_progress", args=[release.pk]),
        "poll_seconds": POLL_SECONDS,
    }
    return render(request, "privacy/release.html", context, status=status)


@login_required
@require_GET
def release_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress part of the release's page, polled while it is prepared (the page's own door)."""
    membership = reader(request)
    release = get_release_for_user(membership, pk)
    domain.mark_interrupted(release)
    context = {"release": release, "stage_label": STAGES.get(release.stage, STAGES["queued"])[1]}
    running = release.status in RUNNING_STATES
    return progress_response(request, "privacy/_release_progress.html", context, running=running)


@login_required
def release_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = reader(request)
    return _release_page(request, membership, get_release_for_user(membership, pk))


@login_required
@require_POST
def review_release(request: HttpRequest, pk: int) -> HttpResponse:
    membership = reviewer(request)
    release = get_release_for_user(membership, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            domain.review_release(
                release,
                by=membership,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return redirect("privacy:release", pk=release.pk)
    return _release_page(request, membership, release, form, status=400)


@login_required
@require_POST
def publish_release(request: HttpRequest, pk: int) -> HttpResponse:
    membership = preparer(request)
    release = get_release_for_user(membership, pk)
    try:
        domain.publish_release(release, by=membership)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The release is published: its files are on the public page."))
    return redirect("privacy:release", pk=release.pk)


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    membership = reader(request)
    return render(request, "privacy/ledger.html", {"rows": ledger_for_user(membership)})
