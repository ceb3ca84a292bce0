"""Protected reads of funds and requests: the doors views and the API use.

The requesting organization reads its own requests (its tenant scope). A fund's reviewer reads the
requests sent to the funds they review — rows of other organizations: `review_scope` finds which
organizations sent them (across organizations, the one place it is done: the allowlist in
tests/core/test_tenant_scopes.py) and the reviewer's reads run in a scope that adds them. A reviewer
never reads a draft, and sees who a request is for only when its organization granted it
(`identity_for`, a logged read of the case's person).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

from django.db.models import Q, QuerySet, prefetch_related_objects
from django.http import Http404

from ctm.cases.domain.queries.cases import view_person
from ctm.cases.domain.queries.scoping import writable_cases_q
from ctm.cases.models import Case
from ctm.core.domain.activity import record
from ctm.core.domain.security import record_refusal
from ctm.core.errors import NotAllowed
from ctm.core.fields import open_sealed
from ctm.core.reads import identifying_access
from ctm.core.scopes import organization_scope, scopes_disabled
from ctm.funds.enums import REVIEWABLE
from ctm.funds.models import BudgetLine, Disbursement, Fund, FundRequest
from ctm.funds.rules import can_request_funds, can_review_funds


def funds_for_user(membership: Any) -> QuerySet[Fund]:
    """Every fund (open ones take requests); any member of an organization reads the list."""
    if membership is None or not membership.is_active:
        raise NotAllowed("Sign in with an organization.")
    return Fund.objects.select_related("manager")


def get_fund_for_user(membership: Any, pk: int) -> Fund:
    fund = funds_for_user(membership).filter(pk=pk).first()
    if fund is None:
        raise Http404("No such fund")
    return fund


def reviewed_funds(membership: Any) -> QuerySet[Fund]:
    if not can_review_funds(membership):
        return Fund.objects.none()
    return Fund.objects.filter(reviewers=membership)


def requesting_organizations(membership: Any) -> list[int]:
    """The organizations whose requests the reviewer may read (sent to a fund they review)."""
    funds = list(reviewed_funds(membership).values_list("pk", flat=True))
    if not funds:
        return []
    with scopes_disabled():  # which organizations sent requests to these funds: their ids only
        ids = FundRequest.objects.filter(fund__in=funds, state__in=REVIEWABLE).values_list(
            "organization_id", flat=True
        )
        return sorted(set(ids))


@contextmanager
def review_scope(membership: Any) -> Iterator[list[int]]:
    """The reader's organization plus the organizations whose requests they review."""
    orgs = sorted({membership.organization_id, *requesting_organizations(membership)})
    with organization_scope(*orgs):
        yield orgs


def _requester_q(membership: Any) -> Q:
    """The organization's requests under a code, and those for a case the member may work on (a
    caseworker who sees only their own cases sees only those cases' requests)."""
    cases = writable_cases_q(membership)
    mine = Q(case__isnull=True)
    if cases is not None:
        mine |= Q(case__in=Case.objects.filter(cases).values("pk"))
    return Q(organization_id=membership.organization_id) & mine


def _readable_q(membership: Any) -> Q | None:
    """Built inside the reader's scope (the case filter is a query on cases)."""
    q = None
    if can_request_funds(membership):
        q = _requester_q(membership)
    if can_review_funds(membership):
        mine = Q(fund__reviewers=membership, state__in=REVIEWABLE)
        q = mine if q is None else q | mine
    return q


def requests_for_user(membership: Any, **filters: Any) -> list[FundRequest]:
    """Requests the membership may read: its organization's own, or those sent to funds it reviews."""
    if not (can_request_funds(membership) or can_review_funds(membership)):
        raise NotAllowed("Your role does not work with emergency funds.")
    with review_scope(membership):
        qs = FundRequest.objects.filter(_readable_q(membership), **filters).distinct()
        return list(qs.select_related("fund", "organization", "created_by").order_by("-created_at", "-id"))


def get_request_for_user(membership: Any, pk: int) -> FundRequest:
    """The request if the membership may read it; 404 (and a security event) for missing and not yours.
    The caller reads its parts in `review_scope` (views: `enter_request_scope`)."""
    if not (can_request_funds(membership) or can_review_funds(membership)):
        raise NotAllowed("Your role does not work with emergency funds.")
    with review_scope(membership):
        request = (
            FundRequest.objects.filter(_readable_q(membership), pk=pk)
            .select_related("fund", "organization", "created_by")
            .first()
        )
    if request is None:
        _refused(membership, pk)
    return request


def _refused(membership: Any, pk: int) -> NoReturn:
    record_refusal("security.fund_request.refused", membership, pk)
    raise Http404("No such request")


@dataclass(frozen=True)
class Identity:
    case_number: str
    name: str = ""


def identity_for(membership: Any, request: FundRequest) -> Identity | None:
    """Who the request is for, as this reader may see it: the requesting organization sees the case
    number; a reviewer sees the case number and the person's name only when the organization granted
    it for this request (the read of the name is logged in the case's organization). None otherwise."""
    if request.case_id is None:
        return None
    own = membership.organization_id == request.organization_id and can_request_funds(membership)
    if own:
        return Identity(case_number=request.case.number)
    if not request.identity_granted:
        return None
    person = view_person(membership, request.case, purpose=f"fund request {request.reference}")
    return Identity(case_number=request.case.number, name=person.full_name)


@dataclass(frozen=True)
class RequestRead:
    """A request with its free text opened (needs, justification, reasons, report, line
    descriptions, payment notes), read through `read_request`."""

    request: FundRequest
    lines: list[BudgetLine]
    payments: list[Disbursement]


def read_request(membership: Any, fund_request: FundRequest, *, purpose: str) -> RequestRead:
    """The one door through which a page or the API shows a request's free text (what the person
    needs, why, the decision's reasons, the final report): opened here, and the read logged
    (`funds.request.viewed`) in the requesting organization's log, naming a reviewer's organization."""
    with identifying_access("funds.request.viewed"):
        for name in ("immediate_needs", "justification", "reasons", "report"):
            getattr(fund_request, name)
        # kept on the instance, opened: a form built from it (the draft's edit form) reads them again
        prefetch_related_objects([fund_request], "lines", "payments")
        lines = list(fund_request.lines.all())
        payments = list(fund_request.payments.all())
        open_sealed(*lines, *payments)
    changes: dict[str, Any] = {"purpose": purpose}
    if membership.organization_id != fund_request.organization_id:
        changes["reader_organization"] = membership.organization.code
    record(
        "funds.request.viewed",
        actor=membership.user,
        organization=fund_request.organization,
        obj=fund_request,
        label=fund_request.reference,
        changes=changes,
    )
    return RequestRead(fund_request, lines, payments)
