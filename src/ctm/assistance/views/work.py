"""A person's work (tasks, notifications), an office's overdue tasks, and the shelters' capacity."""

from __future__ import annotations

import contextlib

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ctm.assistance.domain import shelters as shelter_domain
from ctm.assistance.domain import work
from ctm.assistance.domain.queries.work import (
    get_task_for_user,
    my_notifications,
    my_tasks,
    overdue_tasks,
    shelter_capacity,
)
from ctm.assistance.interfaces import forms as f
from ctm.assistance.rules import can_manage_shelters, can_read_cases, can_see_office_work
from ctm.cases.views.cases import org_offices
from ctm.cases.views.helpers import apply_domain_errors
from ctm.core.errors import InvalidTransition
from ctm.core.links import link_maker

TASK_LIMIT = 200


def _worker(request: HttpRequest):
    membership = getattr(request, "membership", None)
    if not can_read_cases(membership):
        raise PermissionDenied
    return membership


def _with_links(rows: list, *, done: bool = False) -> list:
    """Each task or notification gets `case_link` (the referral inbox for a referral's answer, else the
    case page) and, with `done`, `done_link` (its "Done" form): reversed once per page (`link_maker`)."""
    case_link = link_maker("cases:detail")
    done_link = link_maker("assistance:complete_task", integer=True) if done else None
    inbox = reverse("referrals:inbox")
    for row in rows:
        if row.case_id is not None:
            row.case_link = inbox if row.kind == "referral_answer" else case_link(row.case.number)
        if done_link:
            row.done_link = done_link(row.pk)
    return rows


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    membership = _worker(request)
    today = timezone.localdate()
    context = {
        "tasks": _with_links(list(my_tasks(membership)[:TASK_LIMIT]), done=True),
        "notifications": _with_links(my_notifications(membership)),
        "today": today,
    }
    return render(request, "assistance/my_work.html", context)


@login_required
@require_POST
def complete_task(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _worker(request)
    task = get_task_for_user(membership, pk)
    with contextlib.suppress(InvalidTransition):  # already done: the page shows it gone
        work.complete_task(task, by=membership)
    return redirect(reverse("assistance:my_work"))


@login_required
@require_POST
def read_notifications(request: HttpRequest) -> HttpResponse:
    work.mark_notifications_read(_worker(request))
    return redirect(reverse("assistance:my_work"))


@login_required
def overdue(request: HttpRequest) -> HttpResponse:
    membership = _worker(request)
    if not can_see_office_work(membership):
        raise PermissionDenied
    offices = list(org_offices(membership).order_by("name"))
    office = request.GET.get("office", "")
    office_id = int(office) if office.isdigit() and any(o.pk == int(office) for o in offices) else None
    tasks = _with_links(list(overdue_tasks(membership, office_id=office_id)[:TASK_LIMIT]))
    context = {"tasks": tasks, "offices": offices, "office_id": office_id, "today": timezone.localdate()}
    return render(request, "assistance/overdue.html", context)


@login_required
def shelters(request: HttpRequest) -> HttpResponse:
    membership = _worker(request)
    form = f.CapacityForm(request.GET or None)
    day = form.cleaned_data["day"] if form.is_valid() and form.cleaned_data["day"] else timezone.localdate()
    context = {
        "form": form,
        "day": day,
        "shelters": shelter_capacity(membership, day),
        "can_manage": can_manage_shelters(membership),
    }
    return render(request, "assistance/shelters.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def new_shelter(request: HttpRequest) -> HttpResponse:
    membership = _worker(request)
    if not can_manage_shelters(membership):
        raise PermissionDenied
    form = f.ShelterForm(request.POST if request.method == "POST" else None, offices=org_offices(membership))
    if request.method == "POST" and form.is_valid():
        try:
            shelter_domain.create_shelter(by=membership, **form.cleaned_data)
        except InvalidTransition as exc:
            apply_domain_errors(form, exc)
        else:
            return redirect(reverse("assistance:shelters"))
    status = 400 if request.method == "POST" else 200
    return render(
        request, "assistance/shelter_form.html", {"form": form, "title": _("New shelter")}, status=status
    )
