"""Every page of the case register renders for its owner, and the main flows work end to end."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from ctm.cases.models import Case, Consent
from ctm.core.models import ActivityLog
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, membership):
    client.force_login(membership.user)
    return client


def test_case_page_renders_and_logs_the_read(client, personas):
    login(client, personas.caseworker)
    response = client.get(reverse("cases:detail", args=[personas.case.number]))
    assert response.status_code == 200
    assert "Olga Petrova" in response.content.decode()
    assert (
        ActivityLog.objects.filter(action="cases.person.viewed", object_id=str(personas.case.pk)).count() == 1
    )


@pytest.mark.parametrize(
    "name",
    [
        "edit_person",
        "edit",
        "stage",
        "screening",
        "eligibility",
        "context",
        "add_event",
        "add_consent",
        "add_guardian",
        "add_best_interests",
        "add_note",
        "add_attachment",
        "add_document",
    ],
)
def test_every_form_renders(client, personas, name):
    login(client, personas.caseworker)
    assert client.get(reverse(f"cases:{name}", args=[personas.case.number])).status_code == 200


def test_login_page_and_lockout(client, personas):
    url = reverse("accounts:login")
    assert client.get(url).status_code == 200
    for _ in range(5):
        client.post(url, {"username": "caseworker", "password": "wrong"})
    response = client.post(url, {"username": "caseworker", "password": PASSWORD})
    assert response.status_code == 400
    assert "locked" in response.content.decode()


def test_new_case_flow_with_duplicate_warning(client, personas):
    login(client, personas.caseworker)
    data = {
        "given_name": "Olga",
        "family_name": "Petrova",
        "gender": "Feminine",
        "birth_date": "1995-04-02",
        "citizenships": ["MD"],
    }
    response = client.post(reverse("cases:new"), data)
    assert response.status_code == 400
    assert personas.case.number in response.content.decode()
    response = client.post(reverse("cases:new"), {**data, "confirm_not_duplicate": "on"})
    assert response.status_code == 302
    assert Case.objects.filter(organization=personas.org).count() == 2


def test_screening_consent_and_list_filters(client, personas):
    login(client, personas.caseworker)
    number = personas.case.number
    r = client.post(
        reverse("cases:screening", args=[number]),
        {
            "version": 0,
            "interview_date": "2026-01-10",
            "place": "Chisinau office",
            "language": "ro",
            "consent_to_interview": "on",
            "travel_documents": "own",
            "payment": "none",
            "narrative": "Worked 14 hours a day.",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    r = client.post(
        reverse("cases:context", args=[number]),
        {
            "version": 0,
            "age_when_trafficked": "17",
            "exploitation_types": ["ForcedLabour"],
            "exploitation_country": "RU",
            "means_of_control": ["DebtBondage"],
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    r = client.post(
        reverse("cases:add_consent", args=[number]),
        {
            "scope": "assistance",
            "given_on": datetime.date.today().isoformat(),
            "given_by": "person",
            "told_purpose": "on",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    assert Consent.objects.filter(case=personas.case).count() == 1
    r = client.get(reverse("cases:list"), {"exploitation_type": "ForcedLabour", "exploitation_country": "RU"})
    assert number in r.content.decode()
    r = client.get(reverse("cases:list"), {"exploitation_type": "SexualExploitation"})
    assert number not in r.content.decode()


def test_search_by_name_and_birth_date_is_sent_by_post(client, personas):
    login(client, personas.caseworker)
    stale = client.get(reverse("cases:search") + "?full_name=Olga+Petrova")  # a stale results address
    assert stale.status_code == 200 and personas.case.number not in stale.content.decode()
    r = client.post(reverse("cases:search"), {"full_name": "petrova olga", "birth_date": "1995-04-02"})
    assert personas.case.number in r.content.decode()
    r = client.post(reverse("cases:search"), {"full_name": "Somchai Boonmee", "birth_date": "1995-04-02"})
    assert personas.outsider_case.number not in r.content.decode()


def test_timeline_shows_translated_changes(client, personas):
    from django.utils import translation

    from ctm.cases.domain.cases import change_stage

    change_stage(personas.case, by=personas.caseworker, stage="assistance")
    client.force_login(personas.caseworker.user)
    body = client.get(reverse("cases:detail", args=[personas.case.number])).content.decode()
    assert "Screening → Assistance" in body
    with translation.override("fr"):
        body = client.get(reverse("cases:detail", args=[personas.case.number]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Assistance" in body and "stage:" not in body


def test_second_save_of_the_same_version_is_refused_on_the_page(client, personas):
    """Two people opened the case form at the same version: the second save is refused, not merged."""
    login(client, personas.caseworker)
    case = personas.case
    url = reverse("cases:edit", args=[case.number])
    opened = case.version
    first = client.post(url, {"version": opened, "high_risk": "on"})
    assert first.status_code == 302
    second = client.post(url, {"version": opened, "sensitive": "on"})
    assert second.status_code == 400
    assert "Someone else changed this record" in second.content.decode()
    case.refresh_from_db()
    assert case.high_risk and not case.sensitive
    assert case.version == opened + 1


def test_a_save_without_the_version_read_is_refused(client, personas):
    """The hidden version is required: a post that omits it cannot silently overwrite."""
    login(client, personas.caseworker)
    case = personas.case
    before = case.version
    response = client.post(reverse("cases:edit", args=[case.number]), {"sensitive": "on"})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.version == before and not case.sensitive


def test_two_first_screenings_do_not_overwrite_each_other(client, personas):
    """A form opened before any screening existed carries version 0; a second first save conflicts."""
    login(client, personas.caseworker)
    url = reverse("cases:context", args=[personas.case.number])
    page = client.get(url).content.decode()
    assert 'name="version"' in page
    from ctm.cases.models import VictimContext

    existing = VictimContext.objects.filter(case=personas.case).first()
    opened = existing.version if existing else 0
    assert client.post(url, {"version": opened, "recruitment_country": "MD"}).status_code == 302
    second = client.post(url, {"version": opened, "recruitment_country": "UA"})
    assert second.status_code == 400
    assert "Someone else changed this record" in second.content.decode()
    assert VictimContext.objects.get(case=personas.case).recruitment_country == "MD"


def test_public_page_of_published_releases_renders_without_login(client, personas):
    from tests.privacy_platform.objects import published

    assert "Nothing has been published yet" in client.get(reverse("published:list")).content.decode()
    release = published(personas)
    body = client.get(reverse("published:list")).content.decode()
    assert release.label in body and reverse("published:release", args=[release.pk]) in body
    assert client.get(reverse("published:release", args=[release.pk])).status_code == 200
