"""The assistance of one case: assessments, plans, services and shelter stays. Each view loads the
case through the register's door (`load_case`), validates, and calls one domain function."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ctm.assistance.domain import assessments, plans, services, shelters
from ctm.assistance.domain.queries.case_assistance import case_assistance
from ctm.assistance.domain.queries.parts import get_plan, get_service, plan_items
from ctm.assistance.domain.queries.work import open_stay, shelter_capacity
from ctm.assistance.enums import ServiceStatus, SupportType
from ctm.assistance.interfaces import forms as f
from ctm.assistance.models import ServiceRecord, Shelter
from ctm.assistance.rules import can_manage_cases
from ctm.assistance.views.helpers import GET_POST, assistance_url, data, form_page
from ctm.cases.domain.queries.cases import may_write_case
from ctm.cases.views.cases import org_staff
from ctm.cases.views.helpers import load_case
from ctm.core.errors import InvalidTransition
from ctm.core.models import Organization


@login_required
def case_assistance_view(request: HttpRequest, number: str) -> HttpResponse:
    membership, case = load_case(request, number)
    own = membership.organization_id == case.organization_id
    context = {
        "case": case,
        **case_assistance(membership, case),  # one logged read of the free text shown
        "can_write": may_write_case(membership, case),
        "can_manage": can_manage_cases(membership) and own,
    }
    return render(request, "assistance/case.html", context)


@login_required
@require_http_methods(GET_POST)
def new_assessment(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.AssessmentForm(data(request))
    return form_page(
        request,
        case,
        form,
        lambda: assessments.record_assessment(
            case,
            by=by,
            safety_risk=form.cleaned_data["safety_risk"],
            factors=form.factors(),
            assessed_on=form.cleaned_data["assessed_on"],
            notes=form.cleaned_data["notes"],
        ),
        title=_("Vulnerability and risk assessment"),
        template="assistance/assessment_form.html",
        anchor="#assessments",
    )


@login_required
@require_http_methods(GET_POST)
def new_plan(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.PlanForm(data(request), staff=org_staff(by), initial={"responsible": case.owner})
    return form_page(
        request,
        case,
        form,
        lambda: plans.create_plan(
            case,
            by=by,
            objectives=form.cleaned_data["objectives"],
            responsible=form.cleaned_data["responsible"],
        ),
        title=_("New assistance plan"),
        anchor="#plans",
    )


@login_required
@require_http_methods(GET_POST)
def add_plan_item(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    plan = get_plan(case, pk)
    form = f.PlanItemForm(data(request), staff=org_staff(by), initial={"responsible": plan.responsible})
    return form_page(
        request,
        case,
        form,
        lambda: plans.add_plan_item(plan, by=by, data=form.cleaned_data),
        title=_("Add a planned service"),
        anchor="#plans",
    )


@login_required
@require_http_methods(GET_POST)
def plan_agreement(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    plan = get_plan(case, pk)
    form = f.AgreementForm(data(request))
    return form_page(
        request,
        case,
        form,
        lambda: plans.record_agreement(
            plan, by=by, agreed_on=form.cleaned_data["agreed_on"], method=form.cleaned_data["method"]
        ),
        title=_("Record the person's agreement"),
        anchor="#plans",
    )


@login_required
@require_POST
def approve_plan(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    if not can_manage_cases(by):
        raise PermissionDenied
    plan = get_plan(case, pk)
    try:
        plans.approve_plan(plan, by=by)
    except InvalidTransition as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(assistance_url(case, "#plans"))


@login_required
@require_http_methods(GET_POST)
def new_service(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    partners = Organization.objects.exclude(pk=case.organization_id).order_by("name")
    initial = {}
    item_id = request.GET.get("item", "")
    items = plan_items(case)
    if item_id.isdigit() and (item := items.filter(pk=int(item_id)).first()) is not None:
        initial = {"plan_item": item, "support_type": item.support_type}
    form = f.ServiceForm(data(request), items=items, partners=partners, initial=initial)
    return form_page(
        request,
        case,
        form,
        lambda: services.record_service(case, by=by, data=form.domain_data()),
        title=_("Record a service"),
        anchor="#services",
    )


@login_required
@require_http_methods(GET_POST)
def service_status(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    service = get_service(case, pk)
    form = f.ServiceStatusForm(data(request))
    return form_page(
        request,
        case,
        form,
        lambda: services.change_service_status(
            service, by=by, status=form.cleaned_data["status"], on=form.cleaned_data["on"]
        ),
        title=_("Change the service's status"),
        anchor="#services",
    )


@login_required
@require_http_methods(GET_POST)
def admit(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    pending = ServiceRecord.objects.filter(
        case=case,
        support_type=SupportType.ACCOMMODATION,
        status__in=[ServiceStatus.PLANNED, ServiceStatus.ONGOING],
    )
    form = f.AdmitForm(
        data(request),
        shelters=Shelter.objects.filter(organization_id=case.organization_id, is_active=True),
        services=pending,
    )
    return form_page(
        request,
        case,
        form,
        lambda: shelters.admit(
            case,
            by=by,
            shelter=form.cleaned_data["shelter"],
            on=form.cleaned_data["admitted_on"],
            service=form.cleaned_data["service"],
            override_reason=form.cleaned_data["override_reason"],
        ),
        title=_("Admit to a shelter"),
        anchor="#stays",
        extra={"capacity": shelter_capacity(by, timezone.localdate())},
        template="assistance/admit_form.html",
    )


@login_required
@require_http_methods(GET_POST)
def discharge(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    stay = open_stay(case, pk)
    form = f.DischargeForm(data(request))
    return form_page(
        request,
        case,
        form,
        lambda: shelters.discharge(stay, by=by, on=form.cleaned_data["discharged_on"]),
        title=_("Discharge from the shelter"),
        anchor="#stays",
    )
