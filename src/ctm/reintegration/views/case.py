"""The return and reintegration of one case. Each view loads the case through the register's door
(`load_case`), validates, and calls one domain function."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ctm.cases.domain.queries.cases import may_write_case
from ctm.cases.views.helpers import load_case
from ctm.core.errors import InvalidTransition
from ctm.core.models import Organization
from ctm.directory.domain.queries import directory_entries_for_user
from ctm.directory.models import SharedEntry
from ctm.referrals.interfaces.forms import ReferralForm
from ctm.reintegration.domain import closure, monitoring, plans, receiving, solutions
from ctm.reintegration.domain.queries.case_reintegration import case_reintegration
from ctm.reintegration.domain.queries.parts import (
    get_assistance,
    get_document,
    get_reintegration_plan,
    get_solution,
    solutions_of,
)
from ctm.reintegration.interfaces import forms as f
from ctm.reintegration.interfaces.chart import trend_chart
from ctm.reintegration.phrases import DIMENSION_LABELS
from ctm.reintegration.rules import can_manage_cases
from ctm.reintegration.views.helpers import GET_POST, data, form_page, page_url


@login_required
def case_view(request: HttpRequest, number: str) -> HttpResponse:
    membership, case = load_case(request, number)
    own = membership.organization_id == case.organization_id
    context = case_reintegration(membership, case)  # one logged read of the free text shown
    context.update(
        {
            "case": case,
            "chart": trend_chart(context["trend"]),
            "dimension_labels": DIMENSION_LABELS,
            "can_write": may_write_case(membership, case),
            "can_manage": can_manage_cases(membership) and own,
            "open_work": closure.open_work(case),
        }
    )
    return render(request, "reintegration/case.html", context)


@login_required
@require_http_methods(GET_POST)
def new_solution(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.SolutionForm(
        data(request),
        partners=Organization.objects.exclude(pk=case.organization_id).order_by("name"),
        contacts=SharedEntry.objects.order_by("country", "name"),
    )
    return form_page(
        request,
        case,
        form,
        lambda: solutions.plan_solution(case, by=by, data=form.cleaned_data),
        title=_("Plan a return, local integration or resettlement"),
        anchor="#return",
    )


@login_required
@require_http_methods(GET_POST)
def fit_to_travel(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    solution = get_solution(case, pk)
    form = f.FitForm(data(request))
    return form_page(
        request,
        case,
        form,
        lambda: solutions.record_fit_to_travel(
            solution, by=by, result=form.cleaned_data["result"], on=form.cleaned_data["on"]
        ),
        title=_("Fit-to-travel check"),
        anchor="#return",
    )


@login_required
@require_http_methods(GET_POST)
def add_document(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    solution = get_solution(case, pk)
    form = f.DocumentForm(data(request))
    return form_page(
        request,
        case,
        form,
        lambda: solutions.add_travel_document(
            solution, by=by, kind=form.cleaned_data["kind"], status=form.cleaned_data["status"]
        ),
        title=_("Add a travel document"),
        anchor="#return",
    )


@login_required
@require_POST
def document_obtained(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    doc = get_document(case, pk)
    try:
        solutions.document_obtained(doc, by=by)
    except InvalidTransition as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(page_url(case, "#return"))


@login_required
@require_http_methods(GET_POST)
def add_leg(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    solution = get_solution(case, pk)
    form = f.LegForm(data(request))
    return form_page(
        request,
        case,
        form,
        lambda: solutions.add_leg(solution, by=by, data=form.cleaned_data),
        title=_("Add an itinerary leg"),
        anchor="#return",
    )


@login_required
@require_POST
def approve(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    if not can_manage_cases(by):
        raise PermissionDenied
    solution = get_solution(case, pk)
    try:
        solutions.approve_solution(solution, by=by)
    except InvalidTransition as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The return is approved."))
    return redirect(page_url(case, "#return"))


def _day_page(request: HttpRequest, number: str, pk: int, *, arrival: bool) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    solution = get_solution(case, pk)
    form = f.DayForm(data(request))
    action = solutions.confirm_arrival if arrival else solutions.confirm_departure
    return form_page(
        request,
        case,
        form,
        lambda: action(solution, by=by, on=form.cleaned_data["on"]),
        title=_("Confirm the arrival") if arrival else _("Confirm the departure"),
        anchor="#return",
    )


@login_required
@require_http_methods(GET_POST)
def departure(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    return _day_page(request, number, pk, arrival=False)


@login_required
@require_http_methods(GET_POST)
def arrival(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    return _day_page(request, number, pk, arrival=True)


@login_required
@require_http_methods(GET_POST)
def cancel(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    solution = get_solution(case, pk)
    form = f.CancelForm(data(request))
    return form_page(
        request,
        case,
        form,
        lambda: solutions.cancel_solution(solution, by=by, reason=form.cleaned_data["reason"]),
        title=_("Cancel the return"),
        anchor="#return",
    )


@login_required
@require_http_methods(GET_POST)
def link_referral(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """Choose the referral (sent or accepted, in the destination country) that serves the return."""
    by, case = load_case(request, number, write=True)
    solution = get_solution(case, pk)
    candidates = receiving.referral_candidates(solution)
    form = f.LinkReferralForm(data(request), candidates=candidates)
    return form_page(
        request,
        case,
        form,
        lambda: receiving.link_referral(solution, by=by, referral=form.chosen()),
        title=_("Referral to the receiving organization"),
        anchor="#return",
        template="reintegration/link_referral.html",
        extra={"solution": solution, "candidates": candidates},
    )


@login_required
@require_http_methods(GET_POST)
def refer_for_return(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    """Send a referral to the receiving organization from the return, the recipient prefilled."""
    by, case = load_case(request, number, write=True)
    if case.organization_id != by.organization_id:
        raise PermissionDenied
    solution = get_solution(case, pk)
    country = solution.destination_country
    initial: dict[str, object] = {"urgency": "routine"}
    if solution.receiving_organization_id:
        initial |= {"recipient_kind": "organization", "to_organization": solution.receiving_organization_id}
    elif solution.receiving_contact_id:
        initial |= {"recipient_kind": "directory", "directory_ref": f"s{solution.receiving_contact_id}"}
    form = ReferralForm(
        data(request),
        initial=initial,
        organizations=Organization.objects.filter(country=country).exclude(pk=case.organization_id).order_by("name"),
        entries=[e for e in directory_entries_for_user(by) if e.country == country],
    )
    for name in ("kind", "outside_name", "emergency_reason"):  # a plain referral, under a consent
        form.fields.pop(name)
    form.fields["recipient_kind"].choices = [
        c for c in form.fields["recipient_kind"].choices if c[0] != "other"
    ]
    return form_page(
        request,
        case,
        form,
        lambda: receiving.refer_for_return(solution, by=by, data=form.domain_data()),
        title=_("Refer the person to the receiving organization"),
        anchor="#return",
        extra={"solution": solution},
    )


@login_required
@require_http_methods(GET_POST)
def new_plan(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.ReintegrationPlanForm(data(request), solutions=solutions_of(case))
    return form_page(
        request,
        case,
        form,
        lambda: plans.create_reintegration_plan(
            case, by=by, needs=form.cleaned_data["needs"], solution=form.cleaned_data["solution"]
        ),
        title=_("New reintegration plan"),
        anchor="#plans",
    )


@login_required
@require_http_methods(GET_POST)
def add_assistance(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    plan = get_reintegration_plan(case, pk)
    form = f.AssistanceForm(data(request), services=plans.case_services(case))
    return form_page(
        request,
        case,
        form,
        lambda: plans.add_assistance(plan, by=by, data=form.cleaned_data),
        title=_("Add reintegration assistance"),
        anchor="#plans",
    )


@login_required
@require_http_methods(GET_POST)
def disburse(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    item = get_assistance(case, pk)
    form = f.DisbursementForm(data(request))
    return form_page(
        request,
        case,
        form,
        lambda: plans.record_disbursement(
            item, by=by, amount=form.cleaned_data["amount"], paid_on=form.cleaned_data["paid_on"]
        ),
        title=_("Record a disbursement"),
        anchor="#plans",
    )


@login_required
@require_http_methods(GET_POST)
def new_visit(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.VisitForm(data(request))
    return form_page(
        request,
        case,
        form,
        lambda: monitoring.record_visit(case, by=by, data=form.domain_data()),
        title=_("Record a monitoring visit"),
        template="reintegration/visit_form.html",
        anchor="#monitoring",
    )


@login_required
@require_http_methods(GET_POST)
def close(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.ClosureForm(data(request))
    return form_page(
        request,
        case,
        form,
        lambda: closure.close_with_checklist(
            case,
            by=by,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            checks=form.cleaned_data["checks"],
        ),
        title=_("Close the case"),
        anchor="#closure",
        extra={"open_work": closure.open_work(case)},
        template="reintegration/close_form.html",
    )



@login_required
@require_POST
def approve_closure(request: HttpRequest, number: str) -> HttpResponse:
    """A case manager approves a caseworker's closure of a minor's case (with its checklist)."""
    by, case = load_case(request, number, write=True)
    if not can_manage_cases(by):
        raise PermissionDenied
    try:
        closure.approve_closure(case, by=by)
    except InvalidTransition as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(reverse("cases:detail", args=[case.number]))
