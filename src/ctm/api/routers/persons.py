"""The person of a case: identifying data, every read logged (view_person); update with a version."""

from __future__ import annotations

from typing import Any

from ninja import Router, Status

from ctm.api.auth import membership_of
from ctm.api.lookups import get_case
from ctm.api.schemas.cases import DocumentIn, DocumentOut, PersonOut, PersonPatch
from ctm.api.schemas.common import UrlId, responses
from ctm.cases.domain.persons import add_document, remove_document, update_person
from ctm.cases.domain.queries.cases import view_person
from ctm.cases.domain.queries.parts import get_document

router = Router(tags=["persons"])
PURPOSE = "api"


def _person_out(case: Any, person: Any) -> dict[str, Any]:
    data = {name: getattr(person, name) for name in PersonOut.model_fields if hasattr(person, name)}
    data["case_number"] = case.number
    data["documents"] = list(person.documents.all())  # read with the person, in the same logged read
    return data


@router.get("/{number}/person", response=responses(200, PersonOut, 404), summary="Read the person (logged)")
def read_person(request: Any, number: str) -> Any:
    case = get_case(request, number)
    return _person_out(case, view_person(membership_of(request), case, purpose=PURPOSE))


@router.patch(
    "/{number}/person", response=responses(200, PersonOut, 403, 404, 409, 422), summary="Update the person"
)
def patch_person(request: Any, number: str, body: PersonPatch) -> Any:
    """Only the fields sent change. The answer shows the whole person, so it is logged as a read too."""
    case = get_case(request, number)
    membership = membership_of(request)
    update_person(case, by=membership, data=body.domain_data(partial=True), version=body.version)
    return _person_out(case, view_person(membership, case, purpose=PURPOSE))


@router.post(
    "/{number}/person/documents",
    response=responses(201, DocumentOut, 403, 404, 422),
    summary="Add an identity document",
)
def create_document(request: Any, number: str, body: DocumentIn) -> Any:
    case = get_case(request, number)
    return Status(201, add_document(case, by=membership_of(request), data=body.domain_data()))


@router.delete(
    "/{number}/person/documents/{document_id}",
    response=responses(204, None, 403, 404),
    summary="Remove an identity document",
)
def delete_document(request: Any, number: str, document_id: UrlId) -> Any:
    case = get_case(request, number)
    remove_document(case, get_document(case, document_id), by=membership_of(request))
    return Status(204, None)
