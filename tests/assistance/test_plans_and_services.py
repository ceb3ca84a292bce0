"""Assistance plans (agreement, approval under a lock) and service records."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from ctm.assistance.domain import plans, services
from ctm.assistance.models import AssistancePlan, ServiceRecord, Task
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import ActivityLog
from tests import factories as f
from tests.assistance.objects import SECRET, TODAY, fresh, make_plan

pytestmark = pytest.mark.django_db


def test_a_plan_is_agreed_then_approved_by_a_case_manager(personas):
    p = personas
    plan = make_plan(p)
    with pytest.raises(InvalidTransition):
        plans.approve_plan(plan, by=p.case_manager)  # not agreed yet
    plans.record_agreement(plan, by=p.caseworker, method="verbal")
    task = Task.objects.get(case=p.case, kind="plan_approval")
    with pytest.raises(NotAllowed):
        plans.approve_plan(plan, by=p.caseworker)
    plans.approve_plan(plan, by=p.case_manager)
    plan.refresh_from_db()
    assert plan.status == "approved" and plan.approved_by == p.case_manager.user
    task.refresh_from_db()
    assert task.status == "done"
    with pytest.raises(InvalidTransition):  # approved: locked
        plans.add_plan_item(
            plan, by=p.caseworker, data={"support_type": "legal", "responsible": p.caseworker.user}
        )
    with pytest.raises(InvalidTransition):
        plans.approve_plan(plan, by=p.case_manager)


def test_a_new_plan_supersedes_the_approved_one(personas):
    p = personas
    first = make_plan(p, agreed=True)
    plans.approve_plan(first, by=p.case_manager)
    second = make_plan(p, agreed=True)
    plans.approve_plan(second, by=p.case_manager)
    assert dict(AssistancePlan.objects.values_list("pk", "status")) == {
        first.pk: "superseded",
        second.pk: "approved",
    }


def test_the_agreement_needs_a_planned_service_and_a_minor_agrees_with_a_guardian(personas):
    p = personas
    plan = plans.create_plan(fresh(p.case), by=p.caseworker, objectives="x", responsible=p.caseworker.user)
    with pytest.raises(InvalidTransition):
        plans.record_agreement(plan, by=p.caseworker, method="signed")
    minor = f.make_case(p.caseworker, given="Ana", family="M", birth=TODAY.replace(year=TODAY.year - 13))
    plan = make_plan(p, case=minor)
    with pytest.raises(InvalidTransition) as caught:
        plans.record_agreement(plan, by=p.caseworker, method="signed")
    assert "method" in caught.value.message_dict
    plans.record_agreement(plan, by=p.caseworker, method="guardian")


def test_the_responsible_person_works_in_the_case_organization(personas):
    p = personas
    with pytest.raises(InvalidTransition):
        plans.create_plan(fresh(p.case), by=p.caseworker, objectives="x", responsible=p.outsider.user)
    with pytest.raises(InvalidTransition):
        plans.create_plan(fresh(p.case), by=p.caseworker, objectives="x", responsible=p.auditor.user)


def test_objectives_are_encrypted_and_masked(personas):
    from django.db import connection

    plan = make_plan(personas)
    with connection.cursor() as cursor:
        cursor.execute("SELECT objectives FROM assistance_assistanceplan WHERE id = %s", [plan.pk])
        assert "Bălți" not in cursor.fetchone()[0]
    assert not ActivityLog.objects.filter(changes__icontains="Bălți").exists()


def _service(p, **data):
    base = {"support_type": "medical", "provider_kind": "own"}
    return services.record_service(fresh(p.case), by=p.caseworker, data={**base, **data})


def test_a_service_moves_planned_ongoing_delivered_and_not_back(personas):
    p = personas
    s = _service(p)
    services.change_service_status(
        s, by=p.caseworker, status="ongoing", on=TODAY - datetime.timedelta(days=3)
    )
    services.change_service_status(s, by=p.caseworker, status="delivered", on=TODAY)
    s.refresh_from_db()
    assert (s.status, s.started_on, s.ended_on) == ("delivered", TODAY - datetime.timedelta(days=3), TODAY)
    for status in ("ongoing", "planned", "refused", "bogus"):
        with pytest.raises(InvalidTransition):
            services.change_service_status(s, by=p.caseworker, status=status)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"provider_kind": "partner"}, "provider_organization"),
        ({"provider_kind": "outside"}, "provider_name"),
        ({"cost": Decimal("-1"), "currency": "EUR"}, "cost"),
        ({"cost": Decimal("10")}, "currency"),
        ({"support_type": "spa"}, "support_type"),
        ({"started_on": TODAY, "ended_on": TODAY - datetime.timedelta(days=1)}, "ended_on"),
    ],
)
def test_bad_service_input_is_a_field_error(personas, data, field):
    with pytest.raises(InvalidTransition) as caught:
        _service(personas, **data)
    assert field in caught.value.message_dict
    assert not ServiceRecord.objects.exists()


def test_a_partner_provider_and_a_plan_item_of_another_case_are_checked(personas):
    p = personas
    s = _service(
        p, provider_kind="partner", provider_organization=p.other_org, cost=Decimal("5"), currency="mdl"
    )
    assert s.provider_organization == p.other_org and s.currency == "MDL"
    with pytest.raises(InvalidTransition):
        _service(p, provider_kind="partner", provider_organization=p.org)
    other = f.make_case(p.caseworker, given="Ion", family="R")
    item = make_plan(p, case=other).items.first()
    with pytest.raises(InvalidTransition) as caught:
        _service(p, plan_item=item)
    assert "plan_item" in caught.value.message_dict


def test_pages_plan_agree_approve_and_record(client, personas):
    p = personas
    n = p.case.number
    client.force_login(p.caseworker.user)
    r = client.post(
        reverse("assistance:new_plan", args=[n]),
        {"objectives": "Recover", "responsible": p.caseworker.user_id},
    )
    assert r.status_code == 302
    plan = AssistancePlan.objects.get()
    r = client.post(
        reverse("assistance:add_plan_item", args=[n, plan.pk]),
        {"support_type": "medical", "responsible": p.caseworker.user_id, "planned_start": TODAY.isoformat()},
    )
    assert r.status_code == 302
    r = client.post(
        reverse("assistance:plan_agreement", args=[n, plan.pk]),
        {"agreed_on": TODAY.isoformat(), "method": "signed"},
    )
    assert r.status_code == 302
    item = plan.items.get()
    r = client.post(
        reverse("assistance:new_service", args=[n]),
        {
            "support_type": "medical",
            "plan_item": item.pk,
            "status": "planned",
            "provider_kind": "own",
            "cost": "12.30",
            "currency": "EUR",
        },
    )
    assert r.status_code == 302, r.content.decode()[:3000]
    assert client.post(reverse("assistance:approve_plan", args=[n, plan.pk])).status_code == 403
    client.force_login(p.case_manager.user)
    assert client.post(reverse("assistance:approve_plan", args=[n, plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == "approved"
    body = client.get(reverse("assistance:case", args=[n])).content.decode()
    assert "12.30 EUR" in body and "Approved" in body
    r = client.post(
        reverse("assistance:new_service", args=[n]),
        {"support_type": "medical", "status": "planned", "provider_kind": "outside"},
    )
    assert r.status_code == 400 and "Name the outside organization" in r.content.decode()


def test_services_are_listed_without_leaking_to_the_outsider(client, personas):
    _service(personas, notes=SECRET)
    client.force_login(personas.outsider.user)
    r = client.get(reverse("assistance:case", args=[personas.case.number]))
    assert r.status_code == 404 and "Bălți" not in r.content.decode()


def test_the_pages_speak_french(client, personas):
    from tests.assistance.objects import make_assistance

    make_assistance(personas)
    client.force_login(personas.case_manager.user)
    client.cookies["django_language"] = "fr"
    n = personas.case.number
    case_page = client.get(reverse("cases:detail", args=[n]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Dernier risque pour la sécurité" in case_page and "2 services" in case_page
    body = client.get(reverse("assistance:case", args=[n]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Évaluations de la vulnérabilité et des risques" in body and "Stigmatisation" in body
    work = client.get(reverse("assistance:my_work"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Suivre un risque élevé pour la sécurité" in work
