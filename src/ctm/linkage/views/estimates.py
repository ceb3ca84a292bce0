"""The estimation pages: new estimate (upload or a run's clusters), result, reports. Its progress
fragment, its deletion and the list are a job's (`ctm.linkage.views.jobs`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ctm.linkage.domain import estimates as domain
from ctm.linkage.domain.queries.estimates import get_estimate_for_user
from ctm.linkage.domain.queries.runs import runs_for_user
from ctm.linkage.enums import EstimateSource, JobStatus
from ctm.linkage.interfaces.forms import EstimateForm
from ctm.linkage.interfaces.reports import estimate_context, html_report, pdf_report
from ctm.linkage.views.helpers import add_errors, data_manager
from ctm.linkage.views.jobs import ESTIMATE

GET_POST = require_http_methods(["GET", "POST"])


@login_required
@GET_POST
def new_estimate(request: HttpRequest) -> HttpResponse:
    membership = data_manager(request)
    initial = {}
    run_id = request.GET.get("run", "")
    if run_id.isdigit() and runs_for_user(membership).filter(pk=int(run_id), status=JobStatus.DONE).exists():
        initial = {"source": EstimateSource.RUN, "run": int(run_id)}
    form = EstimateForm(request.POST or None, request.FILES or None, membership=membership, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        run = d["run"] if d["source"] == EstimateSource.RUN else None
        try:
            estimate = domain.create_estimate(
                by=membership, table=d["table"], label=d["label"], parameters=form.parameters(), run=run
            )
        except ValidationError as exc:
            add_errors(form, exc, form.table_field())
        else:
            return redirect("linkage:estimate", pk=estimate.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "linkage/estimate_new.html", {"form": form}, status=status)


@login_required
def estimate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _membership, estimate = ESTIMATE.open(request, pk)
    if not estimate.done:  # queued, running or failed: its progress or its error
        context = {"estimate": estimate, **ESTIMATE.progress_context(request, estimate)}
        return render(request, "linkage/estimate.html", context)
    return render(request, "linkage/estimate.html", estimate_context(estimate))


@login_required
def estimate_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    membership = data_manager(request)
    estimate = get_estimate_for_user(membership, pk)
    if not estimate.done:
        return redirect("linkage:estimate", pk=estimate.pk)
    if fmt == "html":
        response = HttpResponse(html_report(estimate), content_type="text/html; charset=utf-8")
    elif fmt == "pdf":
        response = HttpResponse(pdf_report(estimate), content_type="application/pdf")
    else:
        raise Http404("No such report format")
    domain.record_export(estimate, by=membership, fmt=fmt)
    response["Content-Disposition"] = f'attachment; filename="ctm-estimate-{estimate.pk}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
