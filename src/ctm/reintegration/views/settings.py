"""The organization's weights of the sustainability score (its case managers set them)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ctm.cases.views.helpers import apply_domain_errors, reader
from ctm.reintegration.domain.monitoring import set_scoring_weights, weights_of
from ctm.reintegration.interfaces.forms import WeightsForm
from ctm.reintegration.rules import can_set_scoring


@login_required
@require_http_methods(["GET", "POST"])
def scoring(request: HttpRequest) -> HttpResponse:
    """Every reader of cases sees the weights (they explain the scores); case managers change them."""
    membership = reader(request)
    may_set = can_set_scoring(membership)
    if request.method == "POST" and not may_set:
        raise PermissionDenied
    form = WeightsForm(request.POST if request.method == "POST" else None, weights=weights_of(membership.organization_id))
    if request.method == "POST" and form.is_valid():
        try:
            set_scoring_weights(by=membership, weights=form.weights())
        except ValidationError as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("The weights are saved. Visits already scored keep their weights."))
            return redirect("reintegration:scoring")
    status = 400 if request.method == "POST" else 200
    return render(request, "reintegration/scoring.html", {"form": form, "may_set": may_set}, status=status)
