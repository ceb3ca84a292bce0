"""/healthz (liveness: the process answers) and /readyz (readiness: database, migrations, keys, worker).

Both are open to anonymous callers (a load balancer, a monitor) and say nothing else: no version, no
host, no counts. The reason of a failed check goes to the server's log, not to the caller."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ctm.runtime.domain.queries.health import readiness


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    state = readiness()
    checks = {name: "ok" if reason == "ok" else "fail" for name, reason in state["checks"].items()}
    body = {"status": "ok" if state["ready"] else "fail", "checks": checks}
    return JsonResponse(body, status=200 if state["ready"] else 503)
