"""Linkage runs: new run, the run (its progress while it links; then histogram, threshold,
clusters), clerical review. Its progress fragment, its deletion and the list are a job's (`ctm.linkage.views.jobs`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from ctm.linkage.domain import runs as domain
from ctm.linkage.domain.queries.runs import (
    REVIEW_MARGIN,
    get_pair,
    get_run_for_user,
    review_queue,
    run_overlap_rows,
    view_pair,
)
from ctm.linkage.enums import Decision
from ctm.linkage.interfaces import charts
from ctm.linkage.interfaces.forms import DecisionForm, RunForm, ThresholdForm
from ctm.linkage.models import LinkageRun
from ctm.linkage.phrases import blocking_text
from ctm.linkage.views.helpers import add_errors, data_manager
from ctm.linkage.views.jobs import RUN

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
        return render(request, "linkage/run.html", {"run": run, **RUN.progress_context(request, run)})
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
    _membership, run = RUN.open(request, pk)
    form = ThresholdForm(initial={"threshold": run.threshold}, lowest=domain.lowest_threshold(run))
    return _run_page(request, run, form)


@login_required
@require_POST
def recluster(request: HttpRequest, pk: int) -> HttpResponse:
    membership = data_manager(request)
    run = get_run_for_user(membership, pk)
    if not run.done:
        return redirect("linkage:run", pk=run.pk)
    form = ThresholdForm(request.POST, lowest=domain.lowest_threshold(run))
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
