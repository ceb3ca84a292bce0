"""The parts of a case a member edits, declared (`ctm.cases.views.editing` serves them all): each names
its form and the one domain function it calls; the door, the checks and the page are the mechanism's."""

from __future__ import annotations

import contextlib
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from ctm.cases.domain import cases as case_domain
from ctm.cases.domain import consent as consent_domain
from ctm.cases.domain import notes as notes_domain
from ctm.cases.domain import persons as person_domain
from ctm.cases.domain import screening as screening_domain
from ctm.cases.domain.queries.cases import view_person
from ctm.cases.domain.queries.parts import get_document, screening_for_case, victim_context_for_case
from ctm.cases.domain.queries.requirements import (
    StageConditionsMissing,
    missing_for_stage,
    stages_with_conditions,
)
from ctm.cases.enums import Stage
from ctm.cases.interfaces import forms as f
from ctm.cases.models import (
    Case,
    Consent,
    EligibilityDecision,
    ScreeningInterview,
    TraffickingEvent,
    VictimContext,
)
from ctm.cases.rules import can_manage_cases
from ctm.cases.views.cases import org_offices, org_staff
from ctm.cases.views.editing import Action, Edit, Part
from ctm.cases.views.helpers import load_case
from ctm.core.errors import InvalidTransition
from ctm.core.models import Organization
from ctm.directory.domain.queries import directory_entries_for_user


def _of_case(model: Any) -> Any:
    """The record of `model` with this id on this case, or 404."""

    def find(case: Case, pk: int) -> Any:
        found = model.objects.filter(case=case, pk=pk).first()
        if found is None:
            raise Http404
        return found

    return find


def _person_form(e: Edit) -> Any:
    person = view_person(e.by, e.case, purpose="edit form")  # the form shows the identity: a logged read
    return f.PersonForm(e.data, initial=f.PersonForm.initial_from(person))


def _case_form(e: Edit) -> Any:
    c = e.case
    initial = {"version": c.version, "office": c.office, "identified_on": c.identified_on}
    initial |= {"high_risk": c.high_risk, "sensitive": c.sensitive}
    return f.CaseForm(e.data, initial=initial, offices=org_offices(e.by))


def _assign_form(e: Edit) -> Any:
    initial = {"owner": e.case.owner, "assignees": list(e.case.assignees.all())}
    return f.AssignForm(e.data, initial=initial, staff=org_staff(e.by))


def _screening_form(e: Edit) -> Any:
    instance = screening_for_case(e.by, e.case, purpose="edit form")  # the form shows its free text
    new = ScreeningInterview(case=e.case, organization=e.case.organization, interviewer=e.by.user)
    return f.ScreeningForm(
        e.data, instance=instance or new, initial={"version": instance.version if instance else 0}
    )


def _context_form(e: Edit) -> Any:
    instance = victim_context_for_case(e.by, e.case, purpose="edit form")  # the form shows its place
    new = VictimContext(case=e.case, organization=e.case.organization)
    return f.VictimContextForm(
        e.data, instance=instance or new, initial={"version": instance.version if instance else 0}
    )


def _save_attachment(e: Edit) -> Any:
    upload = e.cleaned["file"]
    return notes_domain.add_attachment(
        e.case, by=e.by, filename=upload.name, data=upload.read(), description=e.cleaned["description"]
    )


def _links(e: Edit, missing: list[Any]) -> list[tuple[Any, str]]:
    return [(m, reverse(m.url_name, args=[e.case.number]) if m.part else "") for m in missing]


def _stage_conditions(e: Edit) -> dict[str, Any]:
    """Before the change: what each stage with conditions still needs for this case."""
    labels = dict(Stage.choices)
    ahead = [s for s in stages_with_conditions() if s != e.case.stage]
    pending = [(labels[s], _links(e, m)) for s in ahead if (m := missing_for_stage(e.case, s))]
    return {"conditions": pending}


def _change_stage(e: Edit) -> Any:
    """A refusal names each missing condition, linked to the form that fills it."""
    try:
        return case_domain.change_stage(e.case, by=e.by, stage=e.cleaned["stage"])
    except StageConditionsMissing as exc:
        number = e.case.number
        e.form.missing = [
            (m, reverse(f"cases:{m.part}", args=[number]) if m.part else "") for m in exc.missing
        ]
        raise


@login_required
@require_http_methods(["GET", "POST"])
def close_moved(request: HttpRequest, number: str) -> HttpResponse:
    """A case is closed in one place: the closure checklist and its reasons (the return and
    reintegration page, `reintegration:close`). This old address closes nothing — a GET or a POST
    (an old bookmark, an old form) is sent there, behind the same door."""
    load_case(request, number, write=True)
    return redirect(reverse("reintegration:close", args=[number]))


def _closure_decision(e: Edit) -> None:
    """Send a requested closure back. Approving it is the closure checklist's
    (`reintegration:approve_closure`): this address closes nothing."""
    if e.case.closure_requested_by_id is None or e.kwargs["decision"] != "reject":
        raise Http404
    case_domain.reject_closure(e.case, by=e.by)


def _review_eligibility(e: Edit) -> None:
    with contextlib.suppress(InvalidTransition):  # already reviewed: the page shows its state
        screening_domain.review_eligibility(e.obj, by=e.by, approve=e.kwargs["decision"] == "approve")


def _adds(name: str, route: str, form: Any, record: Any, title: Any, anchor: str) -> Part:
    """A form whose cleaned data goes whole to one domain function `record(case, by=, data=)`."""
    return Part(
        name,
        route,
        lambda e: form(e.data),
        lambda e: record(e.case, by=e.by, data=e.cleaned),
        title,
        anchor=anchor,
    )


PARTS: list[Part | Action] = [
    Part(
        "edit_person",
        "person/",
        _person_form,
        lambda e: person_domain.update_person(
            e.case, by=e.by, data=e.form.person_data(), version=e.cleaned["version"]
        ),
        _("Person"),
        anchor="#person",
    ),
    Part(
        "edit",
        "edit/",
        _case_form,
        lambda e: case_domain.update_case(
            e.case, by=e.by, data=e.fields("version"), version=e.cleaned["version"]
        ),
        _("Case details"),
    ),
    Part(
        "assign",
        "assign/",
        _assign_form,
        lambda e: case_domain.assign_case(
            e.case, by=e.by, owner=e.cleaned["owner"], assignees=list(e.cleaned["assignees"])
        ),
        _("Assign the case"),
        manage=True,
    ),
    Part(
        "stage",
        "stage/",
        lambda e: f.StageForm(e.data, initial={"stage": e.case.stage}),
        _change_stage,
        _("Change the stage"),
        template="cases/stage_form.html",
        context=_stage_conditions,
    ),
    Part(
        "reopen",
        "reopen/",
        lambda e: f.ReopenForm(e.data),
        lambda e: case_domain.reopen_case(e.case, by=e.by, reason=e.cleaned["reason"]),
        _("Reopen the case"),
    ),
    Action("closure_decision", "closure/<str:decision>/", _closure_decision, manage=True),
    Part(
        "screening",
        "screening/",
        _screening_form,
        lambda e: screening_domain.record_screening(
            e.case, by=e.by, data=e.fields("version"), version=e.cleaned["version"]
        ),
        _("Screening interview"),
        anchor="#screening",
    ),
    _adds(
        "eligibility",
        "eligibility/",
        f.EligibilityForm,
        screening_domain.propose_eligibility,
        _("Eligibility decision"),
        "#eligibility",
    ),
    Action(
        "review_eligibility",
        "eligibility/<int:pk>/<str:decision>/",
        _review_eligibility,
        anchor="#eligibility",
        find=_of_case(EligibilityDecision),
    ),
    Part(
        "context",
        "context/",
        _context_form,
        lambda e: screening_domain.update_victim_context(
            e.case, by=e.by, data=e.fields("version"), version=e.cleaned["version"]
        ),
        _("Victim context"),
        anchor="#context",
    ),
    _adds(
        "add_event",
        "events/new/",
        f.EventForm,
        screening_domain.add_event,
        _("Add a trafficking event"),
        "#route",
    ),
    Action(
        "remove_event",
        "events/<int:pk>/delete/",
        lambda e: screening_domain.remove_event(e.case, e.obj, by=e.by),
        anchor="#route",
        find=_of_case(TraffickingEvent),
    ),
    Part(
        "add_consent",
        "consents/new/",
        lambda e: f.ConsentForm(
            e.data,
            case=e.case,
            organizations=Organization.objects.exclude(pk=e.case.organization_id),
            contacts=directory_entries_for_user(e.by),
        ),
        lambda e: consent_domain.record_consent(e.case, by=e.by, data=e.cleaned),
        _("Record consent"),
        anchor="#consent",
    ),
    Part(
        "withdraw_consent",
        "consents/<int:pk>/withdraw/",
        lambda e: f.WithdrawConsentForm(e.data),
        lambda e: consent_domain.withdraw_consent(
            e.obj, by=e.by, on=e.cleaned["withdrawn_on"], withdrawn_by=e.cleaned["withdrawn_by"]
        ),
        lambda e: _("Withdraw consent: %(scope)s") % {"scope": e.obj.get_scope_display()},
        anchor="#consent",
        find=_of_case(Consent),
    ),
    _adds(
        "add_guardian",
        "guardians/new/",
        f.GuardianForm,
        consent_domain.add_guardian,
        _("Add a guardian"),
        "#minor",
    ),
    _adds(
        "add_best_interests",
        "best-interests/new/",
        f.BestInterestsForm,
        consent_domain.add_best_interests,
        _("Best-interests assessment"),
        "#minor",
    ),
    Part(
        "add_note",
        "notes/new/",
        lambda e: f.NoteForm(e.data),
        lambda e: notes_domain.add_note(e.case, by=e.by, body=e.cleaned["body"]),
        _("Add a note"),
        anchor="#notes",
    ),
    Part(
        "add_attachment",
        "attachments/new/",
        lambda e: f.AttachmentForm(e.data, e.files),
        _save_attachment,
        _("Add an attachment"),
        anchor="#attachments",
    ),
    _adds(
        "add_document",
        "documents/new/",
        f.DocumentForm,
        person_domain.add_document,
        _("Add an identity document"),
        "#person",
    ),
    Action(
        "remove_document",
        "documents/<int:pk>/delete/",
        lambda e: person_domain.remove_document(e.case, e.obj, by=e.by),
        anchor="#person",
        find=get_document,
    ),
]


@login_required
@require_http_methods(["GET", "POST"])
def share(request: HttpRequest, number: str) -> HttpResponse:
    """The read-only "share" of old: a case now goes to another organization as a referral (or a
    transfer), which it accepts or declines and closes with feedback (ctm.referrals)."""
    by, case = load_case(request, number, write=True)
    if not can_manage_cases(by):
        raise PermissionDenied
    return redirect("referrals:new", number=case.number)
