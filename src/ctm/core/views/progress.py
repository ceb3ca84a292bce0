"""The progress of a background job, followed without reloading the page (htmx) and without meta
refresh.

A page that follows a job wraps its progress in a live region that polls a small fragment view:

    <div id="job-progress-region" role="status" aria-live="polite"
         hx-get="{{ progress_url }}" hx-trigger="every 2s" hx-swap="innerHTML"> …fragment… </div>
    <noscript><a href="">Refresh</a></noscript>

The fragment view runs the page's own permission checks, then answers with
`progress_response(...)`: the fragment while the job runs; once it has ended, status 286 (htmx stops
polling) and `HX-Refresh` (the whole page loads again, with the result or the error).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

POLL_SECONDS = 2
STOP_POLLING = 286  # htmx: "stop polling" (https://htmx.org/docs/#polling)


def progress_response(
    request: HttpRequest, template: str, context: dict[str, Any], *, running: bool
) -> HttpResponse:
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    if not running and getattr(request, "htmx", False):
        response.status_code = STOP_POLLING
        response["HX-Refresh"] = "true"
    return response
