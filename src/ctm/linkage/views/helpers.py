"""The membership door of the linkage pages, the handling of domain errors on forms, and the context of
a page (or its progress fragment) that follows a background job."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest

from ctm.core.views.progress import POLL_SECONDS
from ctm.linkage.rules import can_use_linkage

PER_PAGE = 25


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


def job_context(request: HttpRequest, job: Any, labels: dict[str, Any], progress_url: str) -> dict[str, Any]:
    """Status, step and progress of a run or an estimate. While it runs the page polls its progress
    fragment (`progress_url`, htmx, ctm.core.views.progress) every POLL_SECONDS; without JavaScript
    the reader follows a "Refresh" link."""
    label = str(labels.get(job.stage, labels["queued"]))
    return {
        "job": job,
        "running": job.running,
        "stage_label": f"{label} {job.message}" if job.message else label,
        "progress_url": progress_url,
        "poll_seconds": POLL_SECONDS,
    }
