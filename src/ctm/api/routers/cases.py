"""Cases: list with filters, search, create, read, update, assign, stage, close, reopen."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from ninja import Query, Router, Status

from ctm.api.auth import membership_of
from ctm.api.lookups import get_case, office_for, users_for
from ctm.api.schemas.cases import (
    AssignIn,
    CaseCreate,
    CaseDetailOut,
    CaseFilterQuery,
    CaseOut,
    CasePage,
    CasePatch,
    CloseIn,
    DocumentSearchIn,
    DuplicateCheckIn,
    DuplicateOut,
    NameSearchIn,
    ReopenIn,
    StageIn,
)
from ctm.api.schemas.common import responses
from ctm.cases.domain.cases import (
    assign_case,
    change_stage,
    open_case,
    reject_closure,
    reopen_case,
    update_case,
)
from ctm.cases.domain.queries.cases import (
    CaseFilters,
    case_list,
    duplicate_candidates,
    search_by_document,
    search_by_name_and_birth,
)
from ctm.cases.rules import can_read_cases, can_write_cases
from ctm.core.errors import NotAllowed
from ctm.reintegration.domain import closure

router = Router(tags=["cases"])
SEARCH_LIMIT = 50


def _reader(request: Any) -> Any:
    membership = membership_of(request)
    if not can_read_cases(membership):
        raise NotAllowed("Your role does not give access to cases.")
    return membership


def _listed(qs: Any) -> Any:
    return qs.select_related("owner", "office", "organization")


@router.get(
    "", response=responses(200, CasePage, 403, 422), summary="List cases (the filters of the case list page)"
)
def list_cases(request: Any, filters: Query[CaseFilterQuery]) -> Any:
    membership = _reader(request)
    values = filters.model_dump(exclude={"limit", "offset"})
    f = CaseFilters(**{k: v for k, v in values.items() if v is not None})
    qs = case_list(membership, f)
    items = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "limit": filters.limit, "offset": filters.offset, "items": items}


@router.post(
    "", response=responses(201, CaseDetailOut, 403, 422), summary="Register a person and open their case"
)
def create_case(request: Any, body: CaseCreate) -> Any:
    membership = membership_of(request)
    case_data: dict[str, Any] = body.model_dump(exclude={"person", "office"})
    if body.office is not None:
        case_data["office"] = office_for(request, body.office)
    case = open_case(by=membership, person_data=body.person.domain_data(), case_data=case_data)
    return Status(201, case)


@router.post(
    "/search/name",
    response=responses(200, list[CaseOut], 403, 422),
    summary="Search by exact name and birth date",
)
def search_name(request: Any, body: NameSearchIn) -> Any:
    """Identifying data travel in the body, never in the URL. The search is logged."""
    membership = _reader(request)
    return list(_listed(search_by_name_and_birth(membership, body.full_name, body.birth_date))[:SEARCH_LIMIT])


@router.post(
    "/search/document", response=responses(200, list[CaseOut], 403, 422), summary="Search by document number"
)
def search_document(request: Any, body: DocumentSearchIn) -> Any:
    membership = _reader(request)
    return list(_listed(search_by_document(membership, body.number))[:SEARCH_LIMIT])


@router.post(
    "/duplicates",
    response=responses(200, list[DuplicateOut], 403, 422),
    summary="Possible duplicates before creating",
)
def duplicates(request: Any, body: DuplicateCheckIn) -> Any:
    membership = membership_of(request)
    if not can_write_cases(membership):
        raise NotAllowed("Your role may not open cases.")
    found = duplicate_candidates(
        membership, body.given_name, body.family_name, body.birth_date, body.birth_year
    )
    return [asdict(c) for c in found]


@router.get("/{number}", response=responses(200, CaseDetailOut, 404), summary="Read a case")
def read_case(request: Any, number: str) -> Any:
    return get_case(request, number)


@router.patch(
    "/{number}", response=responses(200, CaseDetailOut, 403, 404, 409, 422), summary="Update a case"
)
def patch_case(request: Any, number: str, body: CasePatch) -> Any:
    case = get_case(request, number)
    data = body.model_dump(exclude_unset=True, exclude={"version"})
    if "office" in data:
        data["office"] = office_for(request, data["office"])
    return update_case(case, by=membership_of(request), data=data, version=body.version)


@router.post(
    "/{number}/assign",
    response=responses(200, CaseDetailOut, 403, 404, 422),
    summary="Change owner and assignees",
)
def assign(request: Any, number: str, body: AssignIn) -> Any:
    case = get_case(request, number)
    owner = users_for("owner", [body.owner])[0] if body.owner else None
    assignees = users_for("assignees", body.assignees) if body.assignees is not None else None
    return assign_case(case, by=membership_of(request), owner=owner, assignees=assignees)


@router.post(
    "/{number}/stage",
    response=responses(200, CaseDetailOut, 403, 404, 422),
    summary="Move the case to a stage",
)
def stage(request: Any, number: str, body: StageIn) -> Any:
    return change_stage(get_case(request, number), by=membership_of(request), stage=body.stage)


@router.post(
    "/{number}/close", response=responses(200, CaseDetailOut, 403, 404, 422), summary="Close the case"
)
def close(request: Any, number: str, body: CloseIn) -> Any:
    """Closed with the checklist, as on every page (`POST /cases/{number}/closure` is the same
    closure): every item confirmed, nothing still planned or ongoing. A caseworker's closure of a
    minor's case waits for a case manager (`closure_requested`)."""
    case = get_case(request, number)
    by = membership_of(request)
    closure.close_with_checklist(
        case, by=by, reason=body.reason, note=body.note, checks=list(body.checks), on=body.closed_on
    )
    return get_case(request, number)


@router.post(
    "/{number}/close/reject",
    response=responses(200, CaseDetailOut, 403, 404, 422),
    summary="Send back a requested closure",
)
def reject_close(request: Any, number: str) -> Any:
    return reject_closure(get_case(request, number), by=membership_of(request))


@router.post(
    "/{number}/reopen", response=responses(200, CaseDetailOut, 403, 404, 422), summary="Reopen a closed case"
)
def reopen(request: Any, number: str, body: ReopenIn) -> Any:
    return reopen_case(get_case(request, number), by=membership_of(request), reason=body.reason)
