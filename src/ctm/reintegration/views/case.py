"""The return and reintegration of one case. The page reads through the register's door
(`load_case`); each form or button is a declared part (`ctm.cases.views.editing`) that validates and
calls one domain function, and goes back to the case's return and reintegration page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ctm.cases.domain.queries.cases import may_write_shown
from ctm.cases.views.editing import Action, Edit, Part
from ctm.cases.views.helpers import case_url, load_case
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
from ctm.reintegration.views.helpers import page_url


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
            "can_write": may_write_shown(membership, case),
            "can_manage": can_manage_cases(membership) and own,
            "open_work": closure.open_work(case),
        }
    )
    return render(request, "reintegration/case.html", context)


def _solution_form(e: Edit) -> Any:
    partners = Organization.objects.exclude(pk=e.case.organization_id).order_by("name")
    return f.SolutionForm(e.data, partners=partners, contacts=SharedEntry.objects.order_by("country", "name"))


def _return_referral_form(e: Edit) -> Any:
    """A referral to the receiving organization from the return, the recipient prefilled: a plain
    referral, under a consent."""
    solution, country = e.obj, e.obj.destination_country
    initial: dict[str, object] = {"urgency": "routine"}
    if solution.receiving_organization_id:
        initial |= {"recipient_kind": "organization", "to_organization": solution.receiving_organization_id}
    elif solution.receiving_contact_id:
        initial |= {"recipient_kind": "directory", "directory_ref": f"s{solution.receiving_contact_id}"}
    form = ReferralForm(
        e.data,
        initial=initial,
        organizations=Organization.objects.filter(country=country)
        .exclude(pk=e.case.organization_id)
        .order_by("name"),
        entries=[d for d in directory_entries_for_user(e.by) if d.country == country],
    )
    for name in ("kind", "outside_name", "emergency_reason"):
        form.fields.pop(name)
    form.fields["recipient_kind"].choices = [
        c for c in form.fields["recipient_kind"].choices if c[0] != "other"
    ]
    return form


def _reported(run: Callable[[Edit], Any], done: Any = None) -> Callable[[Edit], None]:
    """A button's domain call; a refused transition becomes a message on the page it goes back to."""

    def button(e: Edit) -> None:
        try:
            run(e)
        except InvalidTransition as exc:
            messages.error(e.request, " ".join(exc.messages))
        else:
            if done is not None:
                messages.success(e.request, str(done))

    return button


def _part(*args: Any, **kwargs: Any) -> Part:
    """A part of the case's return and reintegration: its form page, and back to that page."""
    return Part(*args, template=kwargs.pop("template", "reintegration/form.html"), back=page_url, **kwargs)


def _on_return(name: str, route: str, *args: Any, **kwargs: Any) -> Part:
    """A form on one return (the URL's `pk`), back to the page's return section."""
    return _part(name, f"returns/<int:pk>/{route}", *args, anchor="#return", find=get_solution, **kwargs)


def _day_form(e: Edit) -> Any:
    return f.DayForm(e.data)


def _day(action: Callable[..., Any]) -> Callable[[Edit], Any]:
    return lambda e: action(e.obj, by=e.by, on=e.cleaned["on"])


PARTS: list[Part | Action] = [
    _part(
        "new_solution",
        "returns/new/",
        _solution_form,
        lambda e: solutions.plan_solution(e.case, by=e.by, data=e.cleaned),
        _("Plan a return, local integration or resettlement"),
        anchor="#return",
    ),
    _on_return(
        "fit_to_travel",
        "fit/",
        lambda e: f.FitForm(e.data),
        lambda e: solutions.record_fit_to_travel(
            e.obj, by=e.by, result=e.cleaned["result"], on=e.cleaned["on"]
        ),
        _("Fit-to-travel check"),
    ),
    _on_return(
        "add_document",
        "documents/new/",
        lambda e: f.DocumentForm(e.data),
        lambda e: solutions.add_travel_document(
            e.obj, by=e.by, kind=e.cleaned["kind"], status=e.cleaned["status"]
        ),
        _("Add a travel document"),
    ),
    Action(
        "document_obtained",
        "documents/<int:pk>/obtained/",
        _reported(lambda e: solutions.document_obtained(e.obj, by=e.by)),
        anchor="#return",
        find=get_document,
        back=page_url,
    ),
    _on_return(
        "add_leg",
        "legs/new/",
        lambda e: f.LegForm(e.data),
        lambda e: solutions.add_leg(e.obj, by=e.by, data=e.cleaned),
        _("Add an itinerary leg"),
    ),
    Action(
        "approve",
        "returns/<int:pk>/approve/",
        _reported(lambda e: solutions.approve_solution(e.obj, by=e.by), _("The return is approved.")),
        anchor="#return",
        manage=True,
        find=get_solution,
        back=page_url,
    ),
    _on_return(
        "departure", "departure/", _day_form, _day(solutions.confirm_departure), _("Confirm the departure")
    ),
    _on_return("arrival", "arrival/", _day_form, _day(solutions.confirm_arrival), _("Confirm the arrival")),
    _on_return(
        "cancel",
        "cancel/",
        lambda e: f.CancelForm(e.data),
        lambda e: solutions.cancel_solution(e.obj, by=e.by, reason=e.cleaned["reason"]),
        _("Cancel the return"),
    ),
    _on_return(  # the referral (sent or accepted, in the destination country) that serves the return
        "link_referral",
        "referral/",
        lambda e: f.LinkReferralForm(e.data, candidates=receiving.referral_candidates(e.obj)),
        lambda e: receiving.link_referral(e.obj, by=e.by, referral=e.form.chosen()),
        _("Referral to the receiving organization"),
        template="reintegration/link_referral.html",
        context=lambda e: {"solution": e.obj, "candidates": list(e.form.candidates.values())},
    ),
    _on_return(
        "refer_for_return",
        "referral/new/",
        _return_referral_form,
        lambda e: receiving.refer_for_return(e.obj, by=e.by, data=e.form.domain_data()),
        _("Refer the person to the receiving organization"),
        own=True,
        context=lambda e: {"solution": e.obj},
    ),
    _part(
        "new_plan",
        "plans/new/",
        lambda e: f.ReintegrationPlanForm(e.data, solutions=solutions_of(e.case)),
        lambda e: plans.create_reintegration_plan(
            e.case, by=e.by, needs=e.cleaned["needs"], solution=e.cleaned["solution"]
        ),
        _("New reintegration plan"),
        anchor="#plans",
    ),
    _part(
        "add_assistance",
        "plans/<int:pk>/assistance/new/",
        lambda e: f.AssistanceForm(e.data, services=plans.case_services(e.case)),
        lambda e: plans.add_assistance(e.obj, by=e.by, data=e.cleaned),
        _("Add reintegration assistance"),
        anchor="#plans",
        find=get_reintegration_plan,
    ),
    _part(
        "disburse",
        "assistance/<int:pk>/disburse/",
        lambda e: f.DisbursementForm(e.data),
        lambda e: plans.record_disbursement(
            e.obj, by=e.by, amount=e.cleaned["amount"], paid_on=e.cleaned["paid_on"]
        ),
        _("Record a disbursement"),
        anchor="#plans",
        find=get_assistance,
    ),
    _part(
        "new_visit",
        "visits/new/",
        lambda e: f.VisitForm(e.data),
        lambda e: monitoring.record_visit(e.case, by=e.by, data=e.form.domain_data()),
        _("Record a monitoring visit"),
        template="reintegration/visit_form.html",
        anchor="#monitoring",
    ),
    _part(
        "close",
        "close/",
        lambda e: f.ClosureForm(e.data),
        lambda e: closure.close_with_checklist(
            e.case, by=e.by, reason=e.cleaned["reason"], note=e.cleaned["note"], checks=e.cleaned["checks"]
        ),
        _("Close the case"),
        anchor="#closure",
        context=lambda e: {"open_work": closure.open_work(e.case)},
        template="reintegration/close_form.html",
    ),
    Action(  # a case manager approves a caseworker's closure of a minor's case (with its checklist)
        "approve_closure",
        "close/approve/",
        _reported(lambda e: closure.approve_closure(e.case, by=e.by)),
        manage=True,
        back=lambda case, _anchor: case_url(case),
    ),
]
