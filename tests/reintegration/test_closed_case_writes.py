"""A closed case takes no more work: each write on its plans, services and return refuses ("Reopen the
case first"), as the case's other writes do. The realistic way open work reaches a closed case is a
transfer: the sender's case is closed when the receiver accepts, whatever was still under way, and the
sender keeps only a read of what it recorded."""

from __future__ import annotations

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from ctm.assistance.domain import plans as assistance_plans
from ctm.assistance.domain import services
from ctm.assistance.models import PlanItem, ServiceRecord
from ctm.core.errors import InvalidTransition
from ctm.core.models import ActivityLog
from ctm.referrals.domain import answers
from ctm.reintegration.domain import plans, solutions
from ctm.reintegration.models import Disbursement, ItineraryLeg, TravelDocument
from tests.assistance.objects import make_plan
from tests.referrals.objects import refer
from tests.reintegration.objects import days_ago, fresh, plan, return_consent

pytestmark = pytest.mark.django_db


@pytest.fixture
def transferred(personas):
    """The home case with work under way (a draft plan, a planned service, a planned return with a
    pending document, reintegration assistance with an amount), then transferred to the outsider's
    organization: the sender's case is closed with all of it."""
    p = personas
    draft = make_plan(p)
    service = services.record_service(
        fresh(p.case), by=p.caseworker, data={"support_type": "medical", "provider_kind": "own", "status": "planned"}
    )
    return_consent(p.case, p.case_manager)
    solution = plan(p.case, p.caseworker)
    doc = solutions.add_travel_document(solution, by=p.caseworker, kind="passport")
    rplan = plans.create_reintegration_plan(fresh(p.case), by=p.caseworker, needs="Work", solution=solution)
    grant = plans.add_assistance(
        rplan, by=p.caseworker, data={"kind": "allowance", "amount": Decimal("100.00"), "currency": "EUR"}
    )
    answers.accept_referral(refer(p, kind="transfer"), by=p.outsider)
    assert fresh(p.case).is_closed
    return {"plan": draft, "service": service, "solution": solution, "doc": doc, "rplan": rplan, "grant": grant}


WRITES = {
    "add_plan_item": lambda p, o: assistance_plans.add_plan_item(
        o["plan"], by=p.caseworker, data={"support_type": "legal", "responsible": p.caseworker.user}
    ),
    "record_agreement": lambda p, o: assistance_plans.record_agreement(o["plan"], by=p.caseworker, method="signed"),
    "change_service_status": lambda p, o: services.change_service_status(
        o["service"], by=p.caseworker, status="ongoing"
    ),
    "record_fit_to_travel": lambda p, o: solutions.record_fit_to_travel(o["solution"], by=p.caseworker, result="fit"),
    "add_travel_document": lambda p, o: solutions.add_travel_document(o["solution"], by=p.caseworker, kind="visa"),
    "document_obtained": lambda p, o: solutions.document_obtained(o["doc"], by=p.caseworker),
    "add_leg": lambda p, o: solutions.add_leg(
        o["solution"],
        by=p.caseworker,
        data={"travel_on": days_ago(1), "mode": "air", "origin": "Moscow", "destination": "Chișinău"},
    ),
    "add_assistance": lambda p, o: plans.add_assistance(o["rplan"], by=p.caseworker, data={"kind": "housing"}),
    "record_disbursement": lambda p, o: plans.record_disbursement(
        o["grant"], by=p.caseworker, amount=Decimal("60.00")
    ),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_no_write_reaches_the_work_of_a_closed_case(personas, transferred, write):
    logged = ActivityLog.objects.count()
    rows = (PlanItem.objects.count(), TravelDocument.objects.count(), ItineraryLeg.objects.count())
    with pytest.raises(InvalidTransition, match="Reopen the case first"):
        WRITES[write](personas, transferred)
    assert ActivityLog.objects.count() == logged
    assert (PlanItem.objects.count(), TravelDocument.objects.count(), ItineraryLeg.objects.count()) == rows
    assert not Disbursement.objects.exists()
    assert ServiceRecord.objects.get(pk=transferred["service"].pk).status == "planned"


def test_the_page_answers_the_refusal_in_the_readers_language(client, personas, transferred):
    client.force_login(personas.caseworker.user)
    client.cookies["django_language"] = "fr"
    url = reverse("assistance:service_status", args=[personas.case.number, transferred["service"].pk])
    response = client.post(url, {"status": "ongoing", "on": days_ago(0).isoformat()}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400, response.status_code  # the form again, with the refusal
    assert "Rouvrez d'abord le dossier" in html.unescape(response.content.decode())
    assert ServiceRecord.objects.get(pk=transferred["service"].pk).status == "planned"
