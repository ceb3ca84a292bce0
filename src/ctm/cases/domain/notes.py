"""Writes and reads of notes and attachments (file type checked on the content, never the name)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ctm.cases.domain.common import log_case, require_write
from ctm.cases.models import Attachment, Case, Note
from ctm.cases.validators import sniff_content_type
from ctm.core import crypto
from ctm.core.errors import InvalidTransition
from ctm.core.models import Membership


def add_note(case: Case, *, by: Membership, body: str) -> Note:
    require_write(by, case)
    if not body.strip():
        raise InvalidTransition({"body": _("The note is empty.")})
    with transaction.atomic():
        note = Note.objects.create(organization=case.organization, case=case, author=by.user, body=body)
        log_case("cases.note.added", by, case, {"note": [None, "•••"]})
    return note


def attachment_context(attachment_org_id: int, case_id: int) -> str:
    return f"attachment:{attachment_org_id}:{case_id}"


def add_attachment(
    case: Case, *, by: Membership, filename: str, data: bytes, description: str = ""
) -> Attachment:
    require_write(by, case)
    if len(data) > settings.CTM_ATTACHMENT_MAX_BYTES:
        raise InvalidTransition(
            {
                "file": _("The file is larger than %(mb)d MB.")
                % {"mb": settings.CTM_ATTACHMENT_MAX_BYTES // 2**20}
            }
        )
    try:
        content_type = sniff_content_type(data)
    except ValidationError as exc:  # a zip bomb or a damaged container
        raise InvalidTransition({"file": exc.messages}) from exc
    if content_type is None:
        raise InvalidTransition(
            {
                "file": _(
                    "This type of file is not accepted (PDF, JPEG, PNG, WebP, plain text, DOCX, XLSX, ODT)."
                )
            }
        )
    key_id, blob = crypto.encrypt_bytes(data, attachment_context(case.organization_id, case.pk))
    with transaction.atomic():
        att = Attachment.objects.create(
            organization=case.organization,
            case=case,
            uploaded_by=by.user,
            filename=filename[:200],
            description=description,
            content_type=content_type,
            size=len(data),
            key_id=key_id,
            blob=blob,
        )
        log_case(
            "cases.attachment.added",
            by,
            case,
            {"content_type": [None, content_type], "size": [None, len(data)]},
        )
    return att


def read_attachment(case: Case, attachment: Attachment, *, by: Any) -> bytes:
    """Decrypt an attachment for download; the read is logged."""
    if attachment.case_id != case.pk:
        raise Attachment.DoesNotExist
    data = crypto.decrypt_bytes(
        attachment.key_id, bytes(attachment.blob), attachment_context(case.organization_id, case.pk)
    )
    log_case("cases.attachment.downloaded", by, case, {"attachment": [None, attachment.pk]})
    return data
