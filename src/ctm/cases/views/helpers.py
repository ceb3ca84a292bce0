"""Small helpers shared by the case views: the membership door, form handling of domain errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from ctm.cases.domain.queries.cases import get_case_for_user
from ctm.cases.models import Case
from ctm.cases.rules import can_read_cases
from ctm.core.errors import ConflictError
from ctm.core.scopes import enter_request_scope


def reader(request: HttpRequest) -> Any:
    membership = getattr(request, "membership", None)
    if not can_read_cases(membership):
        raise PermissionDenied
    return membership


def load_case(request: HttpRequest, number: str, *, write: bool = False) -> tuple[Any, Case]:
    """The case through its door; a case shared in (another organization's) widens the request's
    tenant scope to its organization, so its parts can be read for the rest of the request."""
    membership = reader(request)
    case = get_case_for_user(membership, number, write=write)
    if case.organization_id != membership.organization_id:
        enter_request_scope(request, membership.organization_id, case.organization_id)
    return membership, case


def apply_domain_errors(form: forms.BaseForm, exc: Exception) -> None:
    if isinstance(exc, ConflictError):
        form.add_error(
            None,
            _(
                "Someone else changed this record since you opened it. Reload the page to see their changes, then apply yours again."
            ),
        )
        return
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
        return
    if isinstance(exc, ValidationError):
        form.add_error(None, exc.messages)
        return
    raise exc


def form_page(
    request: HttpRequest,
    case: Case,
    form: forms.BaseForm,
    action: Callable[[], Any],
    *,
    title: str,
    template: str = "cases/form.html",
    extra: dict[str, Any] | None = None,
    anchor: str = "",
    back: Callable[[Case, str], str] | None = None,
) -> HttpResponse:
    """POST: validate, run the domain action, redirect to the case page (or `back`); else (re)show
    the form. Asked by htmx (a form opened in place on the case page), a refused form replaces
    itself (`HX-Retarget`), a saved one is followed to the page whose section is then swapped in."""
    if request.method == "POST" and form.is_valid():
        try:
            action()
        except (ConflictError, ValidationError) as exc:
            apply_domain_errors(form, exc)
        else:
            response = redirect(back(case, anchor) if back else f"{case_url(case)}{anchor}")
            response.swap_back = True  # type: ignore[attr-defined]  # htmx follows it (core.middleware)
            return response
    status = 400 if request.method == "POST" else 200
    form_id = (extra or {}).get("form_id", "part-form")
    context = {"case": case, "form": form, "title": title, "form_id": form_id, **(extra or {})}
    response = render(request, template, context, status=status)
    if status == 400 and request.headers.get("HX-Request"):
        response["HX-Retarget"] = response["HX-Reselect"] = f"#{form_id}"
        response["HX-Reswap"] = "outerHTML"
    return response


def case_url(case: Case) -> str:
    from django.urls import reverse

    return reverse("cases:detail", args=[case.number])
