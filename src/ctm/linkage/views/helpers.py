"""The membership door of the linkage pages, the handling of domain errors on forms, and the context of
a page that follows a background job."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest

from ctm.linkage.rules import can_use_linkage

PER_PAGE = 25
REFRESH_SECONDS = 2


def data_manager(request: HttpRequest) -> Any:
    membership = getattr(request, "membership", None)
    if not can_use_linkage(membership):
        raise PermissionDenied
    return membership


def add_errors(form: forms.BaseForm, exc: ValidationError, field: str | None = None) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, exc.messages)


def page_of(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))


def job_context(request: HttpRequest, job: Any, labels: dict[str, Any]) -> dict[str, Any]:
    """Status, step and progress of a run or an estimate. While it runs the page reloads itself every
    REFRESH_SECONDS (a meta refresh, no JavaScript) unless the reader asked it not to (`?refresh=off`)."""
    label = str(labels.get(job.stage, labels["queued"]))
    follow = job.running and request.GET.get("refresh") != "off"
    return {
        "job": job,
        "running": job.running,
        "stage_label": f"{label} {job.message}" if job.message else label,
        "refresh": REFRESH_SECONDS if follow else 0,
        "refresh_seconds": REFRESH_SECONDS,
    }
