"""The doors of the fund pages: the membership, a request (widening the scope for a reviewer)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from ctm.core.scopes import enter_request_scope
from ctm.funds.domain.queries.requests import get_request_for_user, requesting_organizations
from ctm.funds.models import FundRequest


def member(request: HttpRequest) -> Any:
    membership = getattr(request, "membership", None)
    if membership is None or not membership.is_active:
        raise PermissionDenied
    return membership


def load_request(request: HttpRequest, pk: int) -> tuple[Any, FundRequest]:
    """The request through its door; a reviewer reads another organization's request, so the rest of
    the page (its lines, payments, the case for a granted identity) runs in a scope that includes it."""
    membership = member(request)
    fund_request = get_request_for_user(membership, pk)
    if fund_request.organization_id != membership.organization_id:
        orgs = requesting_organizations(membership)
        enter_request_scope(request, membership.organization_id, *orgs)
    return membership, fund_request


def add_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
