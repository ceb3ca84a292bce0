"""The assistance of one case: assessments, plans, services and shelter stays. The page reads through
the register's door (`load_case`); each form or button is a declared part (`ctm.cases.views.editing`)
that validates and calls one domain function, and goes back to the case's assistance page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ctm.assistance.domain import assessments, plans, services, shelters
from ctm.assistance.domain.queries.case_assistance import case_assistance
from ctm.assistance.domain.queries.parts import get_plan, get_service, plan_items
from ctm.assistance.domain.queries.work import open_stay, shelter_capacity
from ctm.assistance.enums import ServiceStatus, SupportType
from ctm.assistance.interfaces import forms as f
from ctm.assistance.models import ServiceRecord, Shelter
from ctm.assistance.rules import can_manage_cases
from ctm.assistance.views.helpers import assistance_url
from ctm.cases.domain.queries.cases import may_write_shown
from ctm.cases.views.cases import org_staff
from ctm.cases.views.editing import Action, Edit, Part
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
        "can_write": may_write_shown(membership, case),
        "can_manage": can_manage_cases(membership) and own,
    }
    return render(request, "assistance/case.html", context)


def _service_form(e: Edit) -> Any:
    partners = Organization.objects.exclude(pk=e.case.organization_id).order_by("name")
    initial = {}
    item_id = e.request.GET.get("item", "")
    items = plan_items(e.case)
    if item_id.isdigit() and (item := items.filter(pk=int(item_id)).first()) is not None:
        initial = {"plan_item": item, "support_type": item.support_type}
    return f.ServiceForm(e.data, items=items, partners=partners, initial=initial)


def _admit_form(e: Edit) -> Any:
    pending = ServiceRecord.objects.filter(
        case=e.case,
        support_type=SupportType.ACCOMMODATION,
        status__in=[ServiceStatus.PLANNED, ServiceStatus.ONGOING],
    )
    here = Shelter.objects.filter(organization_id=e.case.organization_id, is_active=True)
    return f.AdmitForm(e.data, shelters=here, services=pending)


def _approve_plan(e: Edit) -> None:
    try:
        plans.approve_plan(e.obj, by=e.by)
    except InvalidTransition as exc:
        messages.error(e.request, " ".join(exc.messages))


def _part(*args: Any, **kwargs: Any) -> Part:
    """A part of the case's assistance: its form page, and back to the assistance page."""
    return Part(*args, template=kwargs.pop("template", "assistance/form.html"), back=assistance_url, **kwargs)


PARTS: list[Part | Action] = [
    _part(
        "new_assessment",
        "assessments/new/",
        lambda e: f.AssessmentForm(e.data),
        lambda e: assessments.record_assessment(
            e.case,
            by=e.by,
            safety_risk=e.cleaned["safety_risk"],
            factors=e.form.factors(),
            assessed_on=e.cleaned["assessed_on"],
            notes=e.cleaned["notes"],
        ),
        _("Vulnerability and risk assessment"),
        template="assistance/assessment_form.html",
        anchor="#assessments",
    ),
    _part(
        "new_plan",
        "plans/new/",
        lambda e: f.PlanForm(e.data, staff=org_staff(e.by), initial={"responsible": e.case.owner}),
        lambda e: plans.create_plan(
            e.case, by=e.by, objectives=e.cleaned["objectives"], responsible=e.cleaned["responsible"]
        ),
        _("New assistance plan"),
        anchor="#plans",
    ),
    _part(
        "add_plan_item",
        "plans/<int:pk>/items/new/",
        lambda e: f.PlanItemForm(e.data, staff=org_staff(e.by), initial={"responsible": e.obj.responsible}),
        lambda e: plans.add_plan_item(e.obj, by=e.by, data=e.cleaned),
        _("Add a planned service"),
        anchor="#plans",
        find=get_plan,
    ),
    _part(
        "plan_agreement",
        "plans/<int:pk>/agreement/",
        lambda e: f.AgreementForm(e.data),
        lambda e: plans.record_agreement(
            e.obj, by=e.by, agreed_on=e.cleaned["agreed_on"], method=e.cleaned["method"]
        ),
        _("Record the person's agreement"),
        anchor="#plans",
        find=get_plan,
    ),
    Action(
        "approve_plan",
        "plans/<int:pk>/approve/",
        _approve_plan,
        anchor="#plans",
        manage=True,
        find=get_plan,
        back=assistance_url,
    ),
    _part(
        "new_service",
        "services/new/",
        _service_form,
        lambda e: services.record_service(e.case, by=e.by, data=e.form.domain_data()),
        _("Record a service"),
        anchor="#services",
    ),
    _part(
        "service_status",
        "services/<int:pk>/status/",
        lambda e: f.ServiceStatusForm(e.data),
        lambda e: services.change_service_status(
            e.obj, by=e.by, status=e.cleaned["status"], on=e.cleaned["on"]
        ),
        _("Change the service's status"),
        anchor="#services",
        find=get_service,
    ),
    _part(
        "admit",
        "shelter/admit/",
        _admit_form,
        lambda e: shelters.admit(
            e.case,
            by=e.by,
            shelter=e.cleaned["shelter"],
            on=e.cleaned["admitted_on"],
            service=e.cleaned["service"],
            override_reason=e.cleaned["override_reason"],
        ),
        _("Admit to a shelter"),
        anchor="#stays",
        context=lambda e: {"capacity": shelter_capacity(e.by, timezone.localdate())},
        template="assistance/admit_form.html",
    ),
    _part(
        "discharge",
        "stays/<int:pk>/discharge/",
        lambda e: f.DischargeForm(e.data),
        lambda e: shelters.discharge(e.obj, by=e.by, on=e.cleaned["discharged_on"]),
        _("Discharge from the shelter"),
        anchor="#stays",
        find=open_stay,
    ),
]
