"""The membership doors of the release pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest

from ctm.privacy.rules import can_prepare_releases, can_review_releases, can_see_releases

PER_PAGE = 25


def _door(request: HttpRequest, allowed: Any) -> Any:
    membership = getattr(request, "membership", None)
    if not allowed(membership):
        raise PermissionDenied
    return membership


def preparer(request: HttpRequest) -> Any:
    return _door(request, can_prepare_releases)


def reviewer(request: HttpRequest) -> Any:
    return _door(request, can_review_releases)


def reader(request: HttpRequest) -> Any:
    return _door(request, can_see_releases)


def page_of(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
