"""Referral pages: the inbox, a referral, its transitions, the organization's settings. Each view
fetches through the one door (`get_referral_for_user`, the case register's `load_case`), validates
and calls one domain function."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ctm.assistance.enums import SupportType
from ctm.cases.views.helpers import apply_domain_errors, load_case
from ctm.core.errors import ConflictError
from ctm.core.models import Organization
from ctm.core.scopes import enter_request_scope
from ctm.directory.domain.queries import directory_entries_for_user
from ctm.referrals.domain import answers, referrals
from ctm.referrals.domain import settings as settings_domain
from ctm.referrals.domain.common import answer_days
from ctm.referrals.domain.queries.access import get_referral_for_user, shared_parts_readable
from ctm.referrals.domain.queries.inbox import inbox, inbox_counts, is_overdue
from ctm.referrals.domain.queries.shared import referral_texts, shared_record
from ctm.referrals.enums import OPEN_STATES, RecordPart, ReferralState
from ctm.referrals.interfaces import forms as f
from ctm.referrals.interfaces.related import related_to
from ctm.referrals.models import Referral
from ctm.referrals.rules import (
    can_answer,
    can_change_settings,
    can_read_inbox,
    can_read_shared_parts,
    can_write_cases,
)

GET_POST = ["GET", "POST"]


def _member(request: HttpRequest) -> Any:
    membership = getattr(request, "membership", None)
    if not can_read_inbox(membership):
        raise PermissionDenied
    return membership


def load_referral(request: HttpRequest, pk: int) -> tuple[Any, Referral]:
    """The referral through its door; for the receiving organization the rest of the request also
    sees the sender's rows (the case, its parts), as the case register's door does for a shared case."""
    membership = _member(request)
    referral = get_referral_for_user(membership, pk)
    if referral.organization_id != membership.organization_id:
        enter_request_scope(request, membership.organization_id, referral.organization_id)
    return membership, referral


def load_as_receiver(request: HttpRequest, pk: int, rule: Callable[[Any], bool]) -> tuple[Any, Referral]:
    """The referral, for a member of the receiving organization whose role `rule` allows (else 403)."""
    by, referral = load_referral(request, pk)
    if not rule(by) or by.organization_id != referral.to_organization_id:
        raise PermissionDenied
    return by, referral


def _url(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


def _data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    action: Callable[[], Any],
    *,
    title: str,
    back: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            done = action()
        except (ConflictError, ValidationError) as exc:
            apply_domain_errors(form, exc)
        else:
            return redirect(_url(done))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": title, "back": back, **(extra or {})}
    return render(request, "referrals/form.html", context, status=status)


@login_required
def inbox_view(request: HttpRequest) -> HttpResponse:
    membership = _member(request)
    box = "sent" if request.GET.get("box") == "sent" else "received"
    overdue = request.GET.get("overdue") == "1"
    context = {
        "box": box,
        "overdue_only": overdue,
        "referrals": inbox(membership, box=box, overdue_only=overdue),
        "counts": inbox_counts(membership),
        "answer_days": answer_days(membership.organization_id),
        "can_change_settings": can_change_settings(membership),
    }
    return render(request, "referrals/inbox.html", context)


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership, referral = load_referral(request, pk)
    sender = referral.organization_id == membership.organization_id
    receiver = not sender
    context = {
        "referral": referral,
        "sender": sender,
        "receiver": receiver,
        "texts": referral_texts(membership, referral),  # a logged read of the free text shown
        "shared": shared_record(membership, referral) if receiver else None,  # logged reads
        "overdue": is_overdue(referral),
        "may_answer": receiver and can_answer(membership) and referral.state == ReferralState.SENT,
        "may_deliver": receiver
        and can_read_shared_parts(membership)
        and referral.state == ReferralState.ACCEPTED
        and shared_parts_readable(membership, referral),
        "may_close": receiver
        and can_answer(membership)
        and referral.state in (ReferralState.ACCEPTED, ReferralState.DELIVERED),
        "may_withdraw": sender and referral.state in OPEN_STATES and can_write_cases(membership),
        "service_labels": [SupportType(s).label for s in referral.service_list],
        "delivered_labels": [SupportType(s).label for s in referral.delivered_list],
        "part_labels": [RecordPart(p).label for p in referral.part_list],
        "related": related_to(membership, referral),  # e.g. the return it serves
    }
    return render(request, "referrals/detail.html", context)


@login_required
@require_http_methods(GET_POST)
def new_referral(request: HttpRequest, number: str) -> HttpResponse:
    by, case = load_case(request, number, write=True)
    if case.organization_id != by.organization_id:
        raise PermissionDenied
    form = f.ReferralForm(
        _data(request),
        organizations=Organization.objects.exclude(pk=case.organization_id).order_by("name"),
        entries=directory_entries_for_user(by),
    )
    return _form_page(
        request,
        form,
        lambda: referrals.send_referral(case, by=by, data=form.domain_data()),  # type: ignore[attr-defined]
        title=_("Refer or transfer case %(number)s") % {"number": case.number},
        back=reverse("cases:detail", args=[case.number]),
        extra={"case": case},
    )


@login_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    by, referral = load_referral(request, pk)
    try:
        answers.accept_referral(referral, by=by)
    except ValidationError as exc:
        return render(
            request, "referrals/refused.html", {"referral": referral, "errors": exc.messages}, status=400
        )
    return redirect(_url(referral))


@login_required
@require_http_methods(GET_POST)
def decline(request: HttpRequest, pk: int) -> HttpResponse:
    by, referral = load_as_receiver(request, pk, can_answer)
    form = f.DeclineForm(_data(request))
    return _form_page(
        request,
        form,
        lambda: answers.decline_referral(referral, by=by, reason=form.cleaned_data["reason"]),
        title=_("Decline the referral"),
        back=_url(referral),
    )


@login_required
@require_http_methods(GET_POST)
def delivered(request: HttpRequest, pk: int) -> HttpResponse:
    by, referral = load_as_receiver(request, pk, can_read_shared_parts)
    form = f.DeliveryForm(_data(request), initial={"services": referral.service_list})
    return _form_page(
        request,
        form,
        lambda: answers.record_delivery(referral, by=by, services=form.cleaned_data["services"]),
        title=_("Services delivered"),
        back=_url(referral),
    )


@login_required
@require_http_methods(GET_POST)
def close(request: HttpRequest, pk: int) -> HttpResponse:
    by, referral = load_as_receiver(request, pk, can_answer)
    form = f.CloseForm(_data(request))
    return _form_page(
        request,
        form,
        lambda: answers.close_referral(referral, by=by, feedback=form.cleaned_data["feedback"]),
        title=_("Close with feedback to the sender"),
        back=_url(referral),
    )


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    by, referral = load_referral(request, pk)
    try:
        referrals.withdraw_referral(referral, by=by)
    except ValidationError as exc:
        return render(
            request, "referrals/refused.html", {"referral": referral, "errors": exc.messages}, status=400
        )
    return redirect(_url(referral))


@login_required
@require_http_methods(GET_POST)
def settings_view(request: HttpRequest) -> HttpResponse:
    membership = getattr(request, "membership", None)
    if not can_change_settings(membership):
        raise PermissionDenied
    form = f.SettingsForm(_data(request), initial={"answer_days": answer_days(membership.organization_id)})
    if request.method == "POST" and form.is_valid():
        try:
            settings_domain.set_answer_days(by=membership, days=form.cleaned_data["answer_days"])
        except ValidationError as exc:
            apply_domain_errors(form, exc)
        else:
            return redirect("referrals:inbox")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "title": _("Referral settings"), "back": reverse("referrals:inbox")}
    return render(request, "referrals/form.html", context, status=status)
