"""The referral pages end to end, and the attacks on the receiver's access."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ctm.cases.domain import consent as consent_domain
from ctm.core.models import ActivityLog
from ctm.referrals.models import Referral
from tests.referrals.objects import PLACE, SECRET, consent_for, refer

pytestmark = pytest.mark.django_db


def _detail(client, referral) -> str:
    response = client.get(reverse("referrals:detail", args=[referral.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_send_from_the_form_then_accept_deliver_and_close(client, personas):
    consent_for(personas)
    client.force_login(personas.caseworker.user)
    url = reverse("referrals:new", args=[personas.case.number])
    response = client.post(
        url,
        {
            "kind": "referral",
            "recipient_kind": "organization",
            "to_organization": personas.other_org.pk,
            "reason": SECRET,
            "services": ["legal", "medical"],
            "parts": ["identity"],
            "urgency": "routine",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    referral = Referral.objects.get()
    client.force_login(personas.outsider.user)
    inbox = client.get(reverse("referrals:inbox")).content.decode()
    assert personas.case.number in inbox and SECRET not in inbox  # metadata only in the list
    body = _detail(client, referral)
    assert "Petrova" not in body  # not before accepting
    assert client.post(reverse("referrals:accept", args=[referral.pk])).status_code == 302
    body = _detail(client, referral)
    assert "Petrova" in body and PLACE not in body  # identity shared, the events not
    viewed = ActivityLog.objects.filter(action="cases.person.viewed", organization=personas.org).last()
    assert viewed.changes["reader_organization"] == "OUT"  # in the owner's log, for its auditor
    response = client.post(reverse("referrals:delivered", args=[referral.pk]), {"services": ["legal"]})
    assert response.status_code == 302
    response = client.post(reverse("referrals:close", args=[referral.pk]), {"feedback": "Lawyer found."})
    assert response.status_code == 302
    assert "Petrova" not in _detail(client, referral)  # closed: the access ended
    client.force_login(personas.caseworker.user)
    assert "Lawyer found." in _detail(client, referral)  # the feedback reaches the sender


def test_withdrawn_consent_ends_an_open_session_access_at_the_next_request(client, personas):
    """Attack: the receiver keeps its session open on the shared record; the person withdraws the
    referral consent; the very next request shows nothing and no action is possible."""
    referral = refer(personas, parts=("identity", "events"))
    client.force_login(personas.outsider.user)
    client.post(reverse("referrals:accept", args=[referral.pk]))
    assert PLACE in _detail(client, referral)
    consent_domain.withdraw_consent(referral.consent, by=personas.case_manager)
    body = _detail(client, referral)
    assert PLACE not in body and "Petrova" not in body
    response = client.post(reverse("referrals:delivered", args=[referral.pk]), {"services": ["legal"]})
    assert response.status_code == 400  # the delivery is refused too
    assert Referral.objects.get(pk=referral.pk).state == "accepted"


def test_a_withdrawn_referral_shows_the_receiver_nothing(client, personas):
    from ctm.referrals.domain import referrals

    referral = refer(personas)
    client.force_login(personas.outsider.user)
    client.post(reverse("referrals:accept", args=[referral.pk]))
    referrals.withdraw_referral(Referral.objects.get(pk=referral.pk), by=personas.case_manager)
    assert "Petrova" not in _detail(client, referral)


def test_another_organization_cannot_reach_a_referral_not_sent_to_it(client, personas):
    from ctm.core.enums import Role
    from tests import factories as f

    referral = refer(personas)
    third = f.make_member(f.make_org("THR", "RO", name="Third NGO"), Role.CASE_MANAGER, "third")
    client.force_login(third.user)
    assert client.get(reverse("referrals:detail", args=[referral.pk])).status_code == 404
    assert client.post(reverse("referrals:accept", args=[referral.pk])).status_code == 404
    assert personas.case.number not in client.get(reverse("referrals:inbox")).content.decode()
    assert ActivityLog.objects.filter(action="security.referral.refused", actor=third.user).exists()


def test_the_form_refuses_without_consent_with_a_message(client, personas):
    client.force_login(personas.caseworker.user)
    response = client.post(
        reverse("referrals:new", args=[personas.case.number]),
        {
            "kind": "referral",
            "recipient_kind": "organization",
            "to_organization": personas.other_org.pk,
            "reason": "x",
            "urgency": "routine",
        },
    )
    assert response.status_code == 400 and "consent" in response.content.decode()
    assert not Referral.objects.exists()


def test_settings_change_the_due_date(client, personas):
    client.force_login(personas.outsider.user)
    assert client.post(reverse("referrals:settings"), {"answer_days": "3"}).status_code == 302
    referral = refer(personas)
    assert (referral.answer_due_on - referral.sent_at.date()).days == 3
    assert client.post(reverse("referrals:settings"), {"answer_days": "0"}).status_code == 400


def test_the_inbox_costs_the_same_for_one_referral_as_for_three(client, personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ctm.referrals.domain import referrals as referral_domain
    from tests import factories as f

    def count(user, box):
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("referrals:inbox"), {"box": box}).status_code == 200
        return len(ctx.captured_queries)

    refer(personas)
    one = (count(personas.outsider.user, "received"), count(personas.case_manager.user, "sent"))
    for name in ("Ana", "Ion"):
        case = f.make_case(personas.caseworker, given=name, family="Test")
        consent_for(personas, case=case)
        data = {"recipient_kind": "organization", "to_organization": personas.other_org, "reason": "x"}
        referral_domain.send_referral(case, by=personas.case_manager, data=data)
    assert (count(personas.outsider.user, "received"), count(personas.case_manager.user, "sent")) == one


def test_my_work_leads_the_receiver_to_the_inbox_without_identifying_data(client, personas):
    refer(personas)
    client.force_login(personas.outsider.user)
    body = client.get(reverse("assistance:my_work")).content.decode()
    assert "Referral received: answer due" in body and reverse("referrals:inbox") in body
    assert "Petrova" not in body and "Olga" not in body
    assert reverse("cases:detail", args=[personas.case.number]) not in body


def test_the_case_page_lists_its_referrals_for_its_organization_only(client, personas):
    referral = refer(personas)
    client.force_login(personas.caseworker.user)
    body = client.get(reverse("cases:detail", args=[personas.case.number])).content.decode()
    assert reverse("referrals:detail", args=[referral.pk]) in body and "Outsider NGO" in body
    assert SECRET not in body  # the reason stays on the referral's page (a logged read)


def test_the_shared_events_name_their_country_in_the_readers_language(client, personas):
    """The receiver reads "Moldova, Republic of" (French: "Moldova, République de"), not "MD"."""
    referral = refer(personas, parts=("identity", "events"))
    client.force_login(personas.outsider.user)
    client.post(reverse("referrals:accept", args=[referral.pk]))
    body = _detail(client, referral)
    events = body[body.index("<h3>Trafficking events</h3>") :].split("</ul>")[0]
    assert "Moldova, Republic of" in events and " MD " not in events
    french = client.get(reverse("referrals:detail", args=[referral.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Moldova, République de" in french.content.decode()
