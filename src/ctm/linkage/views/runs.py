"""Linkage runs: list, new run, the run (its progress while it links; then histogram, threshold,
clusters), clerical review, delete."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ctm.core.views.progress import progress_response
from ctm.linkage.domain import runs as domain
from ctm.linkage.domain.queries.runs import (
    REVIEW_MARGIN,
    get_pair,
    get_run_for_user,
    review_queue,
    run_overlap_rows,
    runs_for_user,
    view_pair,
)
from ctm.linkage.domain.run_job import mark_interrupted
from ctm.linkage.enums import RUN_STAGES, Decision
from ctm.linkage.interfaces import charts
from ctm.linkage.interfaces.forms import DecisionForm, RunForm, ThresholdForm
from ctm.linkage.models import LinkageRun
from ctm.linkage.phrases import blocking_text
from ctm.linkage.views.helpers import add_errors, data_manager, job_context, page_of

GET_POST = require_http_methods(["GET", "POST"])
FIELDS = [
    ("given_name", _("Given name")),
    ("family_name", _("Family name")),
    ("birth_date", _("Birth date")),
    ("sex", _("Sex")),
    ("citizenship", _("Citizenship")),
    ("document_number", _("Document number")),
]


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    membership = data_manager(request)
    page = page_of(request, runs_for_user(membership).order_by("-created_at", "-id"))
    return render(request, "linkage/runs.html", {"page": page})


@login_required
@GET_POST
def new_run(request: HttpRequest) -> HttpResponse:
    membership = data_manager(request)
    code = membership.organization.code
    form = RunForm(request.POST or None, request.FILES or None, organization_code=code)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            run = domain.start_run(
                by=membership,
                uploads=d["files"],
                include_persons=d["include_persons"],
                threshold=d["threshold"],
                seed=d["seed"],
                unique_lists=d["unique_lists"],
                label=d["label"],
            )
        except ValidationError as exc:
            add_errors(form, exc, "files")
        else:
            return redirect("linkage:run", pk=run.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "linkage/run_new.html", {"form": form, "org_code": code}, status=status)


def _run_page(request: HttpRequest, run: LinkageRun, form: ThresholdForm, status: int = 200) -> HttpResponse:
    if not run.done:  # queued, running or failed: its progress or its error
        progress = reverse("linkage:run_progress", args=[run.pk])
        return render(
            request, "linkage/run.html", {"run": run, **job_context(request, run, RUN_STAGES, progress)}
        )
    lists, rows = run_overlap_rows(run)
    context = {
        "run": run,
        "form": form,
        "histogram": charts.data_url(charts.histogram_png(run.histogram, run.threshold)),
        "overlap_lists": lists[:-1],
        "overlap_rows": rows,
        "upset": charts.data_url(charts.upset_png(lists[:-1], rows)) if len(lists) > 2 else "",
        "blocking_note": blocking_text((run.settings or {}).get("blocking")),
    }
    return render(request, "linkage/run.html", context, status=status)


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = data_manager(request)
    run = get_run_for_user(membership, pk)
    mark_interrupted(run)
    return _run_page(request, run, ThresholdForm(initial={"threshold": run.threshold}))


@login_required
@require_GET
def run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress part of the run's page, polled while it runs (the page's own door)."""
    membership = data_manager(request)
    run = get_run_for_user(membership, pk)
    mark_interrupted(run)
    context = job_context(request, run, RUN_STAGES, request.path)
    return progress_response(request, "linkage/_job_progress.html", context, running=run.running)


@login_required
@require_POST
def recluster(request: HttpRequest, pk: int) -> HttpResponse:
    membership = data_manager(request)
    run = get_run_for_user(membership, pk)
    if not run.done:
        return redirect("linkage:run", pk=run.pk)
    form = ThresholdForm(request.POST)
    if form.is_valid():
        try:
            domain.recluster(run, by=membership, threshold=form.cleaned_data["threshold"])
        except ValidationError as exc:
            add_errors(form, exc, "threshold")
        else:
            return redirect("linkage:run", pk=run.pk)
    return _run_page(request, run, form, status=400)


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    membership = data_manager(request)
    run = get_run_for_user(membership, pk)
    if not run.done:
        return redirect("linkage:run", pk=run.pk)
    context = {"run": run, "pairs": review_queue(run), "margin": REVIEW_MARGIN}
    return render(request, "linkage/review.html", context)


@login_required
def pair_detail(request: HttpRequest, pk: int, pair_pk: int) -> HttpResponse:
    membership = data_manager(request)
    run = get_run_for_user(membership, pk)
    pair = get_pair(run, pair_pk)
    left, right = view_pair(membership, pair)
    rows = [(label, left.get(name, ""), right.get(name, "")) for name, label in FIELDS]
    context = {"run": run, "pair": pair, "left": left, "right": right, "rows": rows}
    return render(request, "linkage/pair.html", context)


@login_required
@require_POST
def decide(request: HttpRequest, pk: int, pair_pk: int) -> HttpResponse:
    membership = data_manager(request)
    run = get_run_for_user(membership, pk)
    pair = get_pair(run, pair_pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "linkage/review.html",
            {"run": run, "pairs": review_queue(run), "margin": REVIEW_MARGIN, "form": form},
            status=400,
        )
    domain.decide_pair(pair, by=membership, decision=form.cleaned_data["decision"])
    waiting = [p for p in review_queue(run) if p.decision == Decision.NONE and p.pk != pair.pk]
    if waiting:  # the reviewer goes on to the next pair near the threshold
        return redirect("linkage:pair", pk=run.pk, pair_pk=waiting[0].pk)
    return redirect("linkage:review", pk=run.pk)


@login_required
@GET_POST
def delete_run(request: HttpRequest, pk: int) -> HttpResponse:
    membership = data_manager(request)
    run = get_run_for_user(membership, pk)
    mark_interrupted(run)
    if request.method == "POST":
        try:
            domain.delete_run(run, by=membership)
        except ValidationError as exc:  # still linking
            messages.error(request, " ".join(exc.messages))
            return redirect("linkage:run", pk=run.pk)
        return redirect("linkage:runs")
    return render(request, "linkage/confirm_delete.html", {"object": run, "kind": "run"})
