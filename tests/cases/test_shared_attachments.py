"""The files of a shared case follow the record's "shared parts" rule: a partner organization the case
is shared with sees and downloads them only when the referral consent allows it and the share includes
them. Otherwise it sees neither the files nor their names (which are identifying too), and a download
is a 404 logged as a security event in both organizations' logs."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from ctm.cases.domain import cases as case_domain
from ctm.cases.domain import consent as consent_domain
from ctm.cases.domain import notes as notes_domain
from ctm.core.errors import InvalidTransition
from ctm.core.models import ActivityLog

pytestmark = pytest.mark.django_db

FILENAME = "olga-passport-scan.txt"


def shared(p, *, consent_allows: bool, share_includes: bool):
    """Home's case, with one file, shared with the outsider's organization; the attachment's URL."""
    attachment = notes_domain.add_attachment(p.case, by=p.caseworker, filename=FILENAME, data=b"scan")
    consent = consent_domain.record_consent(
        p.case,
        by=p.caseworker,
        data={
            "scope": "referral",
            "given_on": datetime.date.today(),
            "referral_organization": p.other_org,
            "includes_attachments": consent_allows,
        },
    )
    case_domain.share_case(p.case, by=p.case_manager, consent=consent, attachments=share_includes)
    return reverse("cases:attachment", args=[p.case.number, attachment.pk])


@pytest.mark.parametrize(
    ("consent_allows", "share_includes"), [(False, False), (True, False)], ids=["by default", "share without"]
)
def test_a_partner_cannot_download_files_not_shared(client, personas, consent_allows, share_includes):
    url = shared(personas, consent_allows=consent_allows, share_includes=share_includes)
    client.force_login(personas.outsider.user)  # a case manager of the partner organization
    page = client.get(reverse("cases:detail", args=[personas.case.number])).content.decode()
    assert "Olga" in page  # the rest of the record is shared
    assert FILENAME not in page and url not in page
    assert "not shared with your organization" in page
    before = ActivityLog.objects.order_by("-id").values_list("id", flat=True).first()
    response = client.get(url)
    assert response.status_code == 404
    assert b"scan" not in response.content
    events = ActivityLog.objects.filter(id__gt=before)
    assert {(e.action, e.organization_id) for e in events} == {
        ("security.attachment.refused", personas.org.pk),
        ("security.attachment.refused", personas.other_org.pk),
    }


def test_a_partner_downloads_files_the_consent_and_the_share_include(client, personas):
    url = shared(personas, consent_allows=True, share_includes=True)
    client.force_login(personas.outsider.user)
    page = client.get(reverse("cases:detail", args=[personas.case.number])).content.decode()
    assert FILENAME in page and url in page
    response = client.get(url)
    assert response.status_code == 200 and response.content == b"scan"
    assert ActivityLog.objects.filter(
        action="cases.attachment.downloaded", organization=personas.org, actor=personas.outsider.user
    ).exists()


def test_the_files_stop_with_the_consent(client, personas):
    url = shared(personas, consent_allows=True, share_includes=True)
    consent = personas.case.consents.get(scope="referral")
    consent_domain.withdraw_consent(consent, by=personas.caseworker)
    client.force_login(personas.outsider.user)
    assert client.get(url).status_code == 404


def test_a_share_cannot_include_files_the_consent_does_not_allow(personas):
    p = personas
    consent = consent_domain.record_consent(
        p.case,
        by=p.caseworker,
        data={"scope": "referral", "given_on": datetime.date.today(), "referral_organization": p.other_org},
    )
    with pytest.raises(InvalidTransition):
        case_domain.share_case(p.case, by=p.case_manager, consent=consent, attachments=True)
    assert not p.case.shares.exists()


def test_the_owners_staff_still_download_their_files(client, personas):
    url = shared(personas, consent_allows=False, share_includes=False)
    client.force_login(personas.caseworker.user)
    assert client.get(url).status_code == 200
