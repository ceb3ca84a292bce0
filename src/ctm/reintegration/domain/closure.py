"""Closing a case with a checklist: the register closes it (`cases.domain.cases.close_case`, which
sends a caseworker's closure of a minor's case to a case manager); this adds what was confirmed and
refuses a checklist the record contradicts. Reopening is the register's (`reopen_case`)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ctm.assistance.enums import ServiceStatus, TaskStatus
from ctm.assistance.models import ServiceRecord, Task
from ctm.cases.domain.cases import close_case
from ctm.core.errors import InvalidTransition
from ctm.core.models import Membership
from ctm.reintegration.domain.common import lock, log_case, require_manager, require_write
from ctm.reintegration.enums import AssistanceStatus, ClosureCheck
from ctm.reintegration.models import ClosureChecklist, ReintegrationAssistance

OPEN_SERVICE = (ServiceStatus.PLANNED, ServiceStatus.ONGOING)
OPEN_ASSISTANCE = (AssistanceStatus.PLANNED, AssistanceStatus.ONGOING)


def open_work(case: Any) -> dict[str, int]:
    """What is still open on the case (shown beside the checklist)."""
    return {
        "services": ServiceRecord.objects.filter(case=case, status__in=OPEN_SERVICE).count()
        + ReintegrationAssistance.objects.filter(plan__case=case, status__in=OPEN_ASSISTANCE).count(),
        "tasks": Task.objects.filter(case=case, status=TaskStatus.OPEN).count(),
    }


def close_with_checklist(
    case: Any,
    *,
    by: Membership,
    reason: str,
    note: str = "",
    checks: list[str],
    on: datetime.date | None = None,
) -> ClosureChecklist:
    """The one way a member closes a case, from any page or the API (the old close form only sends
    here): every item of the checklist confirmed, nothing still planned or ongoing, then the
    register's `close_case` with the reason (`on`: a past closing day, as the register allows)."""
    require_write(by, case)
    confirmed = [c for c in ClosureCheck.values if c in set(checks)]
    missing = [c for c in ClosureCheck.values if c not in confirmed]
    if missing or len(set(checks)) != len(confirmed):
        raise InvalidTransition({"checks": _("Confirm every item of the checklist.")})
    with transaction.atomic():
        lock(case)
        work = open_work(case)
        _require_settled(work)
        closed = close_case(case, by=by, reason=reason, note=note, on=on)  # its own checks and log entry
        checklist = ClosureChecklist.objects.create(
            organization_id=case.organization_id,
            case=case,
            reason=reason,
            checks=confirmed,
            open_services=work["services"],
            open_tasks=work["tasks"],
            confirmed_by=by.user,
            closed=closed.is_closed,
        )
        log_case(
            "reintegration.closure.checklist_confirmed",
            by,
            case,
            {
                "checks": [None, confirmed],
                "open_tasks": [None, work["tasks"]],
                "closed": [None, closed.is_closed],
            },
        )
    return checklist


def _require_settled(work: dict[str, int]) -> None:
    if work["services"]:
        raise InvalidTransition(
            {
                "checks": ngettext(
                    "%(n)d service or assistance is still planned or ongoing: settle it first.",
                    "%(n)d services or assistance are still planned or ongoing: settle them first.",
                    work["services"],
                )
                % {"n": work["services"]}
            }
        )


def approve_closure(case: Any, *, by: Membership) -> ClosureChecklist:
    """A case manager approves the closure a caseworker asked for on a minor's case, with the checklist
    they confirmed: the record must still agree with it (nothing planned or ongoing), then the register
    closes the case and the checklist is marked closed. A request without a checklist (made before
    closing went through it) is not approved here: close the case with the checklist."""
    require_manager(by, case)
    with transaction.atomic():
        lock(case)
        if case.is_closed or case.closure_requested_by_id is None:
            raise InvalidTransition(_("No closure of this case waits for approval."))
        checklist = (
            ClosureChecklist.objects.filter(case=case, closed=False).order_by("-created_at", "-id").first()
        )
        if checklist is None:
            raise InvalidTransition(
                _("This closure request has no checklist: close the case with the checklist.")
            )
        _require_settled(open_work(case))
        close_case(case, by=by, reason=case.closure_reason, note=None)
        checklist.closed = True
        checklist.save(update_fields=["closed", "updated_at"])
        log_case(
            "reintegration.closure.approved", by, case, {"checklist": checklist.pk, "closed": [False, True]}
        )
    return checklist
