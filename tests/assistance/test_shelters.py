"""Shelters: capacity per day, admissions refused when full unless a case manager overrides with a
reason (logged), discharges deliver the accommodation service."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from ctm.assistance.domain import services, shelters
from ctm.assistance.domain.queries.work import shelter_capacity
from ctm.assistance.models import ServiceRecord, ShelterStay
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import ActivityLog
from tests import factories as f
from tests.assistance.objects import TODAY, fresh

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelter(personas):
    return shelters.create_shelter(by=personas.case_manager, name="Casa", places=1, address="Secret street 1")


def test_admission_then_discharge_delivers_the_accommodation_service(personas, shelter):
    p = personas
    planned = services.record_service(
        fresh(p.case), by=p.caseworker, data={"support_type": "accommodation", "provider_kind": "own"}
    )
    stay = shelters.admit(fresh(p.case), by=p.caseworker, shelter=shelter, service=planned)
    planned.refresh_from_db()
    assert planned.status == "ongoing" and planned.started_on == TODAY
    with pytest.raises(InvalidTransition):  # already in a shelter
        shelters.admit(fresh(p.case), by=p.caseworker, shelter=shelter)
    shelters.discharge(stay, by=p.caseworker)
    planned.refresh_from_db()
    assert planned.status == "delivered" and planned.ended_on == TODAY
    with pytest.raises(InvalidTransition):
        shelters.discharge(stay, by=p.caseworker)


def test_a_full_shelter_refuses_unless_a_case_manager_gives_a_reason(personas, shelter):
    p = personas
    shelters.admit(fresh(p.case), by=p.caseworker, shelter=shelter)
    other = f.make_case(p.caseworker, given="Ion", family="R")
    with pytest.raises(InvalidTransition) as caught:
        shelters.admit(fresh(other), by=p.caseworker, shelter=shelter)
    assert "shelter" in caught.value.message_dict
    with pytest.raises(NotAllowed):
        shelters.admit(fresh(other), by=p.caseworker, shelter=shelter, override_reason="Nowhere else tonight")
    before = ActivityLog.objects.count()
    stay = shelters.admit(
        fresh(other), by=p.case_manager, shelter=shelter, override_reason="Nowhere else tonight"
    )
    assert stay.override_reason == "Nowhere else tonight"
    (entry,) = ActivityLog.objects.order_by("id")[before:]
    assert entry.changes["over_capacity"] == [None, True] and entry.changes["override_reason"] == [
        None,
        "•••",
    ]
    assert ServiceRecord.objects.filter(support_type="accommodation", status="ongoing").count() == 2


def test_capacity_per_shelter_and_day(personas, shelter):
    p = personas
    week_ago = TODAY - datetime.timedelta(days=7)
    stay = shelters.admit(fresh(p.case), by=p.caseworker, shelter=shelter, on=week_ago)
    shelters.discharge(stay, by=p.caseworker, on=TODAY - datetime.timedelta(days=2))
    by_day = {
        d: shelter_capacity(p.caseworker, d)[0]
        for d in (week_ago - datetime.timedelta(days=1), week_ago, TODAY)
    }
    assert [(s.occupied, s.free) for s in by_day.values()] == [(0, 1), (1, 0), (0, 1)]
    other = f.make_case(p.caseworker, given="Ion", family="R")
    shelters.admit(fresh(other), by=p.caseworker, shelter=shelter)  # the place is free again


def test_capacity_page_and_outsider(client, personas, shelter):
    p = personas
    shelters.admit(fresh(p.case), by=p.caseworker, shelter=shelter)
    client.force_login(p.caseworker.user)
    body = client.get(reverse("assistance:shelters")).content.decode()
    assert "Casa" in body and "full" in body and "Secret street" not in body
    assert client.get(reverse("assistance:shelters"), {"day": "not-a-day"}).status_code == 400
    client.force_login(p.outsider.user)
    body = client.get(reverse("assistance:shelters")).content.decode()
    assert "Casa" not in body
    with pytest.raises(NotAllowed):
        shelters.admit(fresh(p.outsider_case), by=p.outsider, shelter=shelter)


def test_admit_page_refuses_when_full(client, personas, shelter):
    p = personas
    shelters.admit(fresh(p.case), by=p.caseworker, shelter=shelter)
    other = f.make_case(p.caseworker, given="Ion", family="R")
    client.force_login(p.caseworker.user)
    url = reverse("assistance:admit", args=[other.number])
    r = client.post(url, {"shelter": shelter.pk, "admitted_on": TODAY.isoformat()})
    assert r.status_code == 400 and "The shelter is full" in r.content.decode()
    assert ShelterStay.objects.count() == 1


def test_only_a_case_manager_adds_a_shelter_and_the_address_is_encrypted(personas, shelter):
    from django.db import connection

    with pytest.raises(NotAllowed):
        shelters.create_shelter(by=personas.caseworker, name="Other", places=3)
    with pytest.raises(InvalidTransition):
        shelters.create_shelter(by=personas.case_manager, name="Casa", places=3)
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM assistance_shelter WHERE id = %s", [shelter.pk])
        assert "Secret street" not in cursor.fetchone()[0]
