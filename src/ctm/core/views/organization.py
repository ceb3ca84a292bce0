"""Organization admin pages (settings, offices, members) and the platform admin's organization list."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ctm.core import rules
from ctm.core.domain import organizations as org_domain
from ctm.core.domain import retention as retention_domain
from ctm.core.interfaces import forms as f
from ctm.core.models import Membership, Office, Organization

GET_POST = require_http_methods(["GET", "POST"])


def _admin(request: HttpRequest) -> Any:
    membership = request.membership
    if not rules.can_manage_users(membership):
        raise PermissionDenied
    return membership


def _run(form: Any, action: Any) -> bool:
    try:
        action()
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc.messages)
        return False
    return True


@login_required
@GET_POST
def organization_page(request: HttpRequest) -> HttpResponse:
    by = _admin(request)
    org = by.organization
    initial = {k: getattr(org, k) for k in ("name", "require_two_factor", "caseworker_scope")}
    form = f.OrganizationSettingsForm(request.POST if "settings" in request.POST else None, initial=initial)
    office_form = f.OfficeForm(request.POST if "office" in request.POST else None)
    if request.method == "POST":
        if (
            form.is_bound
            and form.is_valid()
            and _run(form, lambda: org_domain.update_organization(org, by=by, data=form.cleaned_data))
        ):
            return redirect("core:organization")
        if (
            office_form.is_bound
            and office_form.is_valid()
            and _run(office_form, lambda: org_domain.add_office(org, by=by, data=office_form.cleaned_data))
        ):
            return redirect("core:organization")
    members = (
        Membership.objects.filter(organization=org)
        .select_related("user", "office")
        .annotate(two_factor=Count("user__totpdevice", filter=Q(user__totpdevice__confirmed=True)))
        .order_by("user__username")
    )
    context = {
        "form": form,
        "office_form": office_form,
        "org": org,
        "offices": Office.objects.filter(organization=org),
        "members": members,
    }
    return render(request, "core/organization.html", context, status=400 if request.method == "POST" else 200)


@login_required
@GET_POST
def retention_page(request: HttpRequest) -> HttpResponse:
    """The organization's retention rule: how long identifying data is kept and how it is erased."""
    by = _admin(request)
    rule = retention_domain.retention_rule_for(by.organization)
    initial = {k: getattr(rule, k) for k in retention_domain.RULE_FIELDS}
    form = f.RetentionRuleForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(
            form,
            lambda: retention_domain.update_retention_rule(by.organization, by=by, data=form.cleaned_data),
        )
    ):
        messages.success(request, _("The retention rule was saved."))
        return redirect("core:retention")
    context = {"form": form, "rule": rule, "org": by.organization}
    return render(request, "core/retention.html", context, status=400 if request.method == "POST" else 200)


@login_required
@GET_POST
def new_member(request: HttpRequest) -> HttpResponse:
    by = _admin(request)
    offices = Office.objects.filter(organization=by.organization)
    form = f.MemberForm(request.POST or None, offices=offices)
    form.fields["username"].help_text = _("The account is created as NAME%(suffix)s.") % {
        "suffix": org_domain.member_username(by.organization, "")
    }
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _run(
            form,
            lambda: org_domain.add_member(
                by.organization,
                by=by,
                username=d["username"],
                password=d["password"],
                role=d["role"],
                office=d["office"],
            ),
        ):
            messages.success(
                request,
                _("%(user)s was created; they choose their own password at the first login.")
                % {"user": org_domain.member_username(by.organization, d["username"])},
            )
            return redirect("core:organization")
    return render(
        request,
        "core/simple_form.html",
        {"form": form, "title": _("Add a user")},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@GET_POST
def edit_member(request: HttpRequest, pk: int) -> HttpResponse:
    by = _admin(request)
    membership = (
        Membership.objects.filter(organization=by.organization, pk=pk)
        .select_related("user", "organization")
        .first()
    )
    if membership is None:
        raise Http404
    offices = Office.objects.filter(organization=by.organization)
    initial = {"role": membership.role, "office": membership.office, "is_active": membership.is_active}
    form = f.MembershipForm(request.POST or None, initial=initial, offices=offices)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if _run(
            form,
            lambda: org_domain.change_membership(
                membership, by=by, role=d["role"], office=d["office"], is_active=d["is_active"]
            ),
        ):
            return redirect("core:organization")
    title = _("Role of %(user)s") % {"user": membership.user.username}
    return render(
        request,
        "core/member.html",
        {"form": form, "title": title, "member": membership},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@GET_POST
def platform_organizations(request: HttpRequest) -> HttpResponse:
    if not request.user.is_superuser:
        raise PermissionDenied
    form = f.NewOrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if Organization.objects.filter(code=d["code"]).exists():
            form.add_error("code", _("This code is already used."))
        else:
            org_domain.create_organization(
                by=request.user,
                data={k: d[k] for k in ("name", "code", "org_type", "country")},
                office={"name": d["office_name"], "code": d["office_code"], "country": d["country"]},
            )
            return redirect("core:platform_organizations")
    organizations = Organization.objects.all()
    return render(
        request,
        "core/platform.html",
        {"form": form, "organizations": organizations},
        status=400 if request.method == "POST" else 200,
    )
