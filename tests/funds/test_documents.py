"""Supporting documents and receipts: encrypted, typed by content, shared with reviewers only when
the uploader says so, every download logged."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ctm.core.models import ActivityLog
from ctm.funds.models import FundDocument
from tests import factories as f
from tests.funds.objects import fund_with_reviewer, in_review

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def setting(personas):
    fund, reviewer = fund_with_reviewer(f.make_org("FND", "CH"))
    return in_review(personas.caseworker, fund, reviewer, case=personas.case), reviewer


def upload(client, request, *, shared: bool, data: bytes = PDF, name: str = "Olga-Petrova-medical.pdf"):
    file = SimpleUploadedFile(name, data)
    post = {"file": file, "kind": "supporting", **({"shared": "on"} if shared else {})}
    return client.post(reverse("funds:add_document", args=[request.pk]), post)


def test_reviewers_download_only_what_was_shared(client, personas, setting):
    request, reviewer = setting
    client.force_login(personas.caseworker.user)
    assert upload(client, request, shared=False).status_code == 302
    assert upload(client, request, shared=True).status_code == 302
    hidden, shared = FundDocument.objects.order_by("id")
    assert bytes(hidden.blob) != PDF and hidden.filename == "Olga-Petrova-medical.pdf"
    client.force_login(reviewer.user)
    page = client.get(reverse("funds:request", args=[request.pk])).content.decode()
    assert reverse("funds:document", args=[request.pk, shared.pk]) in page
    assert reverse("funds:document", args=[request.pk, hidden.pk]) not in page and "Olga" not in page
    assert client.get(reverse("funds:document", args=[request.pk, hidden.pk])).status_code == 404
    response = client.get(reverse("funds:document", args=[request.pk, shared.pk]))
    assert response.status_code == 200 and response.content == PDF
    assert "Olga" not in response["Content-Disposition"]
    log = ActivityLog.objects.get(action="funds.document.downloaded")
    assert log.organization_id == personas.org.pk and log.changes["by_organization"] == "FND"


def test_a_program_is_refused_and_only_the_requesting_organization_uploads(client, personas, setting):
    request, reviewer = setting
    client.force_login(personas.caseworker.user)
    response = upload(client, request, shared=True, data=b"MZ\x90\x00" + b"\x00" * 100, name="x.pdf")
    assert response.status_code == 400 and "not accepted" in response.content.decode()
    client.force_login(reviewer.user)
    assert upload(client, request, shared=True).status_code == 403
    client.force_login(personas.outsider.user)
    assert upload(client, request, shared=True).status_code == 404
    assert not FundDocument.objects.exists()
