"""Error pages (403, 404, 500, a refused CSRF check) in the site's layout, translated, with a way back.

Django calls these for any view's PermissionDenied, Http404 or uncaught exception (config/urls.py
names them) and for a form whose CSRF token fails (CSRF_FAILURE_VIEW). A 404 says the same for
"missing" and "not yours". The 500 page renders without the database if it must (the failure may
be the database itself)."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.utils.translation import gettext as _

log = logging.getLogger("ctm.errors")


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    context = {"error_title": title, "error_text": text, "error_code": status}
    return render(request, "error.html", context, status=status)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(request, 403, _("Not allowed"), _("Your role does not give access to this page."))


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    text = _(
        "There is no page at this address, or it is not yours to open. Check the address, or start again from the start page."
    )
    return _page(request, 404, _("Page not found"), text)


def server_error(request: HttpRequest) -> HttpResponse:
    text = _("Something went wrong on our side; nothing you did. Try again in a moment.")
    try:
        return _page(request, 500, _("Something went wrong"), text)
    except Exception:  # the layout needs the database (the menu): answer without it
        log.exception("the error page could not be rendered")
        return HttpResponseServerError(text, content_type="text/plain; charset=utf-8")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    text = _(
        "The form was too old or was sent from another page, so it was not saved. Go back, reload the page and send it again."
    )
    return _page(request, 403, _("The form could not be sent"), text)
