from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ctm.core import rules
from ctm.core.domain.queries.memberships import request_memberships


def ctm(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "membership", None)
    return {
        "membership": membership,
        "memberships": request_memberships(request),
        "can_read_cases": rules.can_read_cases(membership),
        "can_write_cases": rules.can_write_cases(membership),
        "can_read_activity_log": rules.can_read_activity_log(membership),
        "can_view_dashboard": rules.can_view_dashboard(membership),
    }
