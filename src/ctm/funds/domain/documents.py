"""Supporting documents and receipts of a request: uploaded by the requesting organization, the type
checked on the content, the bytes encrypted; every download is logged."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ctm.cases.validators import sniff_content_type
from ctm.core import crypto
from ctm.core.domain.activity import record
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.funds.enums import RequestState
from ctm.funds.models import FundDocument, FundRequest
from ctm.funds.rules import can_request_funds, is_fund_reviewer


def document_context(organization_id: int, request_id: int) -> str:
    return f"fund-document:{organization_id}:{request_id}"


def _content_type(data: bytes) -> str:
    if len(data) > settings.CTM_ATTACHMENT_MAX_BYTES:
        mb = settings.CTM_ATTACHMENT_MAX_BYTES // 2**20
        raise ValidationError({"file": [_("The file is larger than %(mb)d MB.") % {"mb": mb}]})
    try:
        content_type = sniff_content_type(data)
    except ValidationError as exc:  # a zip bomb or a damaged container
        raise ValidationError({"file": exc.messages}) from exc
    if content_type is None:
        raise ValidationError(
            {
                "file": [
                    _(
                        "This type of file is not accepted (PDF, JPEG, PNG, WebP, plain text, DOCX, XLSX, ODT)."
                    )
                ]
            }
        )
    return content_type


@transaction.atomic
def add_document(
    request: FundRequest, *, by: Any, filename: str, data: bytes, kind: str, shared: bool
) -> FundDocument:
    if not can_request_funds(by) or by.organization_id != request.organization_id:
        raise NotAllowed("Only the requesting organization adds documents.")
    if request.state == RequestState.CLOSED:
        raise InvalidTransition(_("The request is closed."))
    content_type = _content_type(data)
    key_id, blob = crypto.encrypt_bytes(data, document_context(request.organization_id, request.pk))
    document = FundDocument.objects.create(
        organization_id=request.organization_id,
        request=request,
        kind=kind,
        shared=shared,
        filename=filename[:200],
        content_type=content_type,
        size=len(data),
        key_id=key_id,
        blob=blob,
        uploaded_by=by.user,
    )
    record(
        "funds.document.added",
        actor=by.user,
        organization=request.organization,
        obj=request,
        label=request.reference,
        changes={"kind": [None, kind], "shared": [None, shared], "size": [None, len(data)]},
    )
    return document


def may_read_document(membership: Any, document: FundDocument) -> bool:
    """The requesting organization's requesters; the fund's reviewers when it was shared with them."""
    request = document.request
    if can_request_funds(membership) and membership.organization_id == request.organization_id:
        return True
    return document.shared and is_fund_reviewer(membership, request.fund)


def read_document(document: FundDocument, *, by: Any) -> bytes:
    """Decrypt a document for download; the read is logged in the requesting organization's log."""
    if not may_read_document(by, document):
        raise NotAllowed("This document was not shared with the fund's reviewers.")
    request = document.request
    data = crypto.decrypt_bytes(
        document.key_id, bytes(document.blob), document_context(request.organization_id, request.pk)
    )
    changes: dict[str, Any] = {"document": [None, document.pk]}
    if by.organization_id != request.organization_id:
        changes["by_organization"] = by.organization.code
    record(
        "funds.document.downloaded",
        actor=by.user,
        organization=request.organization,
        obj=request,
        label=request.reference,
        changes=changes,
    )
    return data
