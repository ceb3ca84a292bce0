"""Download of an attachment: decrypted in memory, logged, served as a download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

from ctm.cases.domain.notes import read_attachment
from ctm.cases.domain.queries.scoping import attachments_readable
from ctm.cases.models import Attachment
from ctm.cases.views.helpers import load_case
from ctm.core.domain.security import record_refusal

EXTENSIONS = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "text/plain": "txt",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.text": "odt",
}


@login_required
def download(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    membership, case = load_case(request, number)
    if not attachments_readable(membership, case):  # a shared case whose files were not shared
        record_refusal("security.attachment.refused", membership, case.number, owner=case.organization)
        raise Http404
    attachment = Attachment.objects.filter(case=case, pk=pk).first()
    if attachment is None:
        raise Http404
    data = read_attachment(case, attachment, by=membership)
    response = HttpResponse(data, content_type=attachment.content_type)
    # The real file name is identifying: the download gets a neutral one.
    response["Content-Disposition"] = (
        f'attachment; filename="{case.number}-{attachment.pk}.{EXTENSIONS.get(attachment.content_type, "bin")}"'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
