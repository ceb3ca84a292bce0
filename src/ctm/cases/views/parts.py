"""Forms for every part of a case. Each view: load the case through the door, validate, call the domain."""

from __future__ import annotations

import contextlib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ctm.cases.domain import cases as case_domain
from ctm.cases.domain import consent as consent_domain
from ctm.cases.domain import notes as notes_domain
from ctm.cases.domain import persons as person_domain
from ctm.cases.domain import screening as screening_domain
from ctm.cases.domain.queries.cases import view_person
from ctm.cases.domain.queries.parts import get_document, screening_for_case, victim_context_for_case
from ctm.cases.interfaces import forms as f
from ctm.cases.models import (
    Consent,
    EligibilityDecision,
    ScreeningInterview,
    TraffickingEvent,
    VictimContext,
)
from ctm.cases.rules import can_manage_cases
from ctm.cases.views.cases import org_offices, org_staff
from ctm.cases.views.helpers import case_url, form_page, load_case
from ctm.core.errors import InvalidTransition
from ctm.core.models import Organization
from ctm.directory.domain.queries import directory_entries_for_user

GET_POST = require_http_methods(["GET", "POST"])


def _data(request: HttpRequest) -> dict | None:
    return request.POST if request.method == "POST" else None  # type: ignore[return-value]


@login_required
@GET_POST
def edit_person(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    person = view_person(by, case, purpose="edit form")  # the form shows the identity: a logged read
    form = f.PersonForm(_data(request), initial=f.PersonForm.initial_from(person))
    return form_page(
        request,
        case,
        form,
        lambda: person_domain.update_person(
            case, by=by, data=form.person_data(), version=form.cleaned_data["version"]
        ),
        title=_("Person"),
        anchor="#person",
    )


@login_required
@GET_POST
def edit_case(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    initial = {
        "version": case.version,
        "office": case.office,
        "identified_on": case.identified_on,
        "high_risk": case.high_risk,
        "sensitive": case.sensitive,
    }
    form = f.CaseForm(_data(request), initial=initial, offices=org_offices(by))
    return form_page(
        request,
        case,
        form,
        lambda: case_domain.update_case(
            case,
            by=by,
            data={k: v for k, v in form.cleaned_data.items() if k != "version"},
            version=form.cleaned_data["version"],
        ),
        title=_("Case details"),
    )


@login_required
@GET_POST
def assign(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    if not can_manage_cases(by):
        raise PermissionDenied
    form = f.AssignForm(
        _data(request),
        initial={"owner": case.owner, "assignees": list(case.assignees.all())},
        staff=org_staff(by),
    )
    return form_page(
        request,
        case,
        form,
        lambda: case_domain.assign_case(
            case, by=by, owner=form.cleaned_data["owner"], assignees=list(form.cleaned_data["assignees"])
        ),
        title=_("Assign the case"),
    )


@login_required
@GET_POST
def stage(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.StageForm(_data(request), initial={"stage": case.stage})
    return form_page(
        request,
        case,
        form,
        lambda: case_domain.change_stage(case, by=by, stage=form.cleaned_data["stage"]),
        title=_("Change the stage"),
    )


@login_required
@GET_POST
def close(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.CloseForm(_data(request))
    return form_page(
        request,
        case,
        form,
        lambda: case_domain.close_case(
            case, by=by, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
        ),
        title=_("Close the case"),
    )


@login_required
@GET_POST
def reopen(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.ReopenForm(_data(request))
    return form_page(
        request,
        case,
        form,
        lambda: case_domain.reopen_case(case, by=by, reason=form.cleaned_data["reason"]),
        title=_("Reopen the case"),
    )


@login_required
@require_POST
def closure_decision(request: HttpRequest, number: str, decision: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    if not can_manage_cases(by):
        raise PermissionDenied
    if case.closure_requested_by_id is None:
        raise Http404
    if decision == "approve":
        case_domain.close_case(case, by=by, reason=case.closure_reason, note=case.closure_note)
    else:
        case_domain.reject_closure(case, by=by)
    return redirect(case_url(case))


@login_required
@GET_POST
def screening(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    instance = screening_for_case(by, case, purpose="edit form")  # the form shows its free text
    initial = {"version": instance.version if instance else 0}
    form = f.ScreeningForm(
        _data(request),
        instance=instance
        or ScreeningInterview(case=case, organization=case.organization, interviewer=by.user),
        initial=initial,
    )

    def action() -> None:
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        screening_domain.record_screening(case, by=by, data=data, version=form.cleaned_data["version"])

    return form_page(request, case, form, action, title=_("Screening interview"), anchor="#screening")


@login_required
@GET_POST
def eligibility(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.EligibilityForm(_data(request))
    return form_page(
        request,
        case,
        form,
        lambda: screening_domain.propose_eligibility(case, by=by, data=form.cleaned_data),
        title=_("Eligibility decision"),
        anchor="#eligibility",
    )


@login_required
@require_POST
def review_eligibility(request: HttpRequest, number: str, pk: int, decision: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    item = EligibilityDecision.objects.filter(case=case, pk=pk).first()
    if item is None:
        raise Http404
    with contextlib.suppress(InvalidTransition):  # already reviewed: the page shows its state
        screening_domain.review_eligibility(item, by=by, approve=decision == "approve")
    return redirect(case_url(case) + "#eligibility")


@login_required
@GET_POST
def victim_context(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    instance = victim_context_for_case(by, case, purpose="edit form")  # the form shows its place
    form = f.VictimContextForm(
        _data(request),
        instance=instance or VictimContext(case=case, organization=case.organization),
        initial={"version": instance.version if instance else 0},
    )

    def action() -> None:
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        screening_domain.update_victim_context(
            case, by=by, data=data, version=form.cleaned_data["version"]
        )

    return form_page(request, case, form, action, title=_("Victim context"), anchor="#context")


@login_required
@GET_POST
def add_event(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.EventForm(_data(request))
    return form_page(
        request,
        case,
        form,
        lambda: screening_domain.add_event(case, by=by, data=form.cleaned_data),
        title=_("Add a trafficking event"),
        anchor="#route",
    )


@login_required
@require_POST
def remove_event(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    event = TraffickingEvent.objects.filter(case=case, pk=pk).first()
    if event is None:
        raise Http404
    screening_domain.remove_event(case, event, by=by)
    return redirect(case_url(case) + "#route")


@login_required
@GET_POST
def add_consent(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.ConsentForm(
        _data(request),
        case=case,
        organizations=Organization.objects.exclude(pk=case.organization_id),
        contacts=directory_entries_for_user(by),
    )
    return form_page(
        request,
        case,
        form,
        lambda: consent_domain.record_consent(case, by=by, data=form.cleaned_data),
        title=_("Record consent"),
        anchor="#consent",
    )


@login_required
@GET_POST
def withdraw_consent(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    consent = Consent.objects.filter(case=case, pk=pk).first()
    if consent is None:
        raise Http404
    form = f.WithdrawConsentForm(_data(request))
    return form_page(
        request,
        case,
        form,
        lambda: consent_domain.withdraw_consent(
            consent,
            by=by,
            on=form.cleaned_data["withdrawn_on"],
            withdrawn_by=form.cleaned_data["withdrawn_by"],
        ),
        title=_("Withdraw consent: %(scope)s") % {"scope": consent.get_scope_display()},
        anchor="#consent",
    )


@login_required
@GET_POST
def add_guardian(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.GuardianForm(_data(request))
    return form_page(
        request,
        case,
        form,
        lambda: consent_domain.add_guardian(case, by=by, data=form.cleaned_data),
        title=_("Add a guardian"),
        anchor="#minor",
    )


@login_required
@GET_POST
def add_best_interests(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.BestInterestsForm(_data(request))
    return form_page(
        request,
        case,
        form,
        lambda: consent_domain.add_best_interests(case, by=by, data=form.cleaned_data),
        title=_("Best-interests assessment"),
        anchor="#minor",
    )


@login_required
@GET_POST
def add_note(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.NoteForm(_data(request))
    return form_page(
        request,
        case,
        form,
        lambda: notes_domain.add_note(case, by=by, body=form.cleaned_data["body"]),
        title=_("Add a note"),
        anchor="#notes",
    )


@login_required
@GET_POST
def add_attachment(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.AttachmentForm(_data(request), request.FILES or None)

    def action() -> None:
        upload = form.cleaned_data["file"]
        notes_domain.add_attachment(
            case,
            by=by,
            filename=upload.name,
            data=upload.read(),
            description=form.cleaned_data["description"],
        )

    return form_page(request, case, form, action, title=_("Add an attachment"), anchor="#attachments")


@login_required
@GET_POST
def add_document(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    form = f.DocumentForm(_data(request))
    return form_page(
        request,
        case,
        form,
        lambda: person_domain.add_document(case, by=by, data=form.cleaned_data),
        title=_("Add an identity document"),
        anchor="#person",
    )


@login_required
@require_POST
def remove_document(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    person_domain.remove_document(case, get_document(case, pk), by=by)
    return redirect(case_url(case) + "#person")


@login_required
@GET_POST
def share(request: HttpRequest, number: str) -> HttpResponse:
    """The read-only "share" of old: a case now goes to another organization as a referral (or a
    transfer), which it accepts or declines and closes with feedback (ctm.referrals)."""
    by, case = load_case(request, number, write=True)
    if not can_manage_cases(by):
        raise PermissionDenied
    return redirect("referrals:new", number=case.number)
