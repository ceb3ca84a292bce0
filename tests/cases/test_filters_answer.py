"""Filters answer: a wrong filter gives a message on the same page (never an error page nor a silent
empty list), and a case manager's queues are filters with counts."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ctm.cases.domain import screening as screening_domain
from ctm.cases.domain.cases import close_case
from ctm.cases.models import Case
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def get(client, who, query):
    client.force_login(who.user)
    return client.get(reverse("cases:list") + query)


def test_opened_from_after_opened_to_is_explained(client, personas):
    response = get(client, personas.caseworker, "?opened_from=2026-05-01&opened_to=2026-01-01")
    body = response.content.decode()
    assert response.status_code == 400
    assert "before the “opened from” date" in body and "Some filters could not be applied" in body


def test_an_unknown_country_code_is_explained(client, personas):
    response = get(client, personas.caseworker, "?citizenship=XX")
    body = response.content.decode()
    assert response.status_code == 400 and "error-summary" in body and "Some filters could not be applied" in body


def test_a_stale_search_address_shows_the_search_page(client, personas):
    client.force_login(personas.caseworker.user)
    response = client.get(reverse("cases:search"))
    assert response.status_code == 200 and 'name="q"' in response.content.decode()


def test_the_case_managers_queues_filter_and_count(client, personas):
    waiting = make_case(personas.caseworker, given="Ana", family="Ceban")
    screening_domain.propose_eligibility(
        waiting,
        by=personas.caseworker,
        data={
            "trafficking_status": "ActualVictimOfTrafficking",
            "decision_body": "NGO",
            "decided_on": datetime.date(2026, 1, 5),
        },
    )
    closing = make_case(personas.caseworker, given="Ion", family="Rusu", birth=datetime.date(2014, 1, 1))
    close_case(closing, by=personas.caseworker, reason="plan_completed", note="")  # a minor's: a request
    idle = make_case(personas.caseworker, given="Vasile", family="Lungu")
    Case.objects.filter(pk=idle.pk).update(updated_at=timezone.now() - datetime.timedelta(days=45))
    response = get(client, personas.case_manager, "")
    body = response.content.decode()
    assert "?queue=eligibility" in body and "?queue=closure" in body and "?queue=idle" in body
    assert get(client, personas.case_manager, "?queue=eligibility").context["page"].paginator.count == 1
    assert waiting.number in get(client, personas.case_manager, "?queue=eligibility").content.decode()
    assert idle.number in get(client, personas.case_manager, "?queue=idle").content.decode()
    counts = get(client, personas.case_manager, "").context["queues"]
    assert counts["eligibility"] == 1 and counts["idle"] == 1
    assert counts["closure"] == 1
    assert closing.number in get(client, personas.case_manager, "?queue=closure").content.decode()


def test_a_caseworker_sees_no_queue_counts(client, personas):
    assert get(client, personas.caseworker, "").context["queues"] is None
