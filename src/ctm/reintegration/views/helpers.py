"""Form handling for the return and reintegration pages: validate, call the domain, back to the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ctm.cases.views.helpers import apply_domain_errors
from ctm.core.errors import ConflictError

GET_POST = ["GET", "POST"]


def page_url(case: Any, anchor: str = "") -> str:
    return reverse("reintegration:case", args=[case.number]) + anchor


def data(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def form_page(
    request: HttpRequest,
    case: Any,
    form: forms.BaseForm,
    action: Callable[[], Any],
    *,
    title: str,
    template: str = "reintegration/form.html",
    anchor: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """POST: validate, run the domain action, redirect to the case's page; else (re)show the form."""
    if request.method == "POST" and form.is_valid():
        try:
            action()
        except (ConflictError, ValidationError) as exc:
            apply_domain_errors(form, exc)
        else:
            return redirect(page_url(case, anchor))
    status = 400 if request.method == "POST" else 200
    return render(request, template, {"case": case, "form": form, "title": title, **(extra or {})}, status=status)
