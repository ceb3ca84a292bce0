"""The sending organization hears when its referral is answered (accepted, declined, services
delivered, closed with feedback), and every referral notification — received, answered, overdue —
goes by e-mail to those who opted in like the other kinds; neither the in-app notification nor the
mail names the person, the case or any free text of the referral."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from ctm.accounts.domain.preferences import set_notification_email
from ctm.assistance.domain.work import notify_overdue
from ctm.assistance.models import Notification
from ctm.core.enums import Role
from ctm.referrals.domain import answers, referrals
from tests import factories as f
from tests.referrals.objects import SECRET, accepted, consent_for, fresh, refer

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
DECLINE = "Our shelter in Ploiești is full until Easter"
FEEDBACK = "Tatiana is safe at her aunt's in Bălți now"


def _news(p: Any) -> dict[int, set[str]]:
    rows = Notification.objects.filter(organization=p.org, kind__startswith="referral_")
    out: dict[int, set[str]] = {}
    for n in rows:
        out.setdefault(n.user_id, set()).add(n.kind)
    return out


def test_each_answer_tells_the_sender_the_owner_and_the_case_managers(personas):
    p = personas
    referral = accepted(p)
    answers.record_delivery(referral, by=p.outsider, services=["medical"])
    answers.close_referral(referral, by=p.outsider, feedback=FEEDBACK)
    kinds = {"referral_accepted", "referral_delivered", "referral_closed"}
    news = _news(p)
    assert news[p.case_manager.user_id] == kinds  # sent it, and a case manager
    assert news[p.caseworker.user_id] == kinds  # owns the case
    for nobody in (p.other_caseworker, p.org_admin, p.auditor, p.data_manager):
        assert nobody.user_id not in news
    note = Notification.objects.filter(user=p.caseworker.user, kind="referral_closed").get()
    assert note.link == reverse("referrals:detail", args=[referral.pk]) and note.task_id is None
    # the receiving organization is not told of its own answers
    assert (
        not Notification.objects.filter(organization=p.other_org, kind__startswith="referral_a")
        .exclude(kind="referral_answer")
        .exists()
    )


def test_a_decline_is_announced_and_a_refused_answer_announces_nothing(personas):
    p = personas
    referral = refer(p)
    answers.decline_referral(referral, by=p.outsider, reason=DECLINE)
    assert _news(p)[p.case_manager.user_id] == {"referral_declined"}
    before = Notification.objects.count()
    with pytest.raises(Exception):  # noqa: B017  (declined: it cannot be accepted any more)
        answers.accept_referral(fresh_referral(referral), by=p.outsider)
    assert Notification.objects.count() == before


def test_an_inactive_sender_is_not_notified(personas):
    p = personas
    referral = refer(p)
    p.case_manager.is_active = False
    p.case_manager.save(update_fields=["is_active"])
    answers.accept_referral(referral, by=p.outsider)
    assert p.case_manager.user_id not in _news(p)


def test_my_work_links_to_the_referral_without_the_case_number(client, personas):
    p = personas
    referral = accepted(p)
    client.force_login(p.caseworker.user)
    page = client.get(reverse("assistance:my_work")).content.decode()
    assert "Your referral was accepted" in page
    assert reverse("referrals:detail", args=[referral.pk]) in page
    assert p.case.number not in page


def fresh_referral(referral: Any) -> Any:
    from ctm.referrals.models import Referral

    return Referral.objects.get(pk=referral.pk)


def _opt_in(*memberships: Any) -> None:
    for m in memberships:
        set_notification_email(m.user, enabled=True, email=f"{m.user.username}@example.org")


def test_referral_mails_received_answered_overdue_hold_no_name_number_or_free_text(personas):
    """An attacker's test: a person with a distinctive name, a referral whose reason, answer and
    feedback are secrets; everyone of both sides opted in; every kind of referral notification raised
    (received, accepted, delivered, closed, declined, overdue); nothing of it in any mail."""
    p = personas
    _opt_in(p.caseworker, p.case_manager, p.outsider)
    case = f.make_case(p.caseworker, given="Zinaida", family="Vasilescu-Moraru")
    consent_for(p, case=case)
    data = {
        "recipient_kind": "organization",
        "to_organization": p.other_org,
        "reason": SECRET,
        "services": ["medical"],
        "parts": ["identity"],
    }
    one = referrals.send_referral(fresh(case), by=p.case_manager, data=data)
    second_manager = f.make_member(p.other_org, Role.CASE_MANAGER, "outsider2")
    _opt_in(second_manager)
    two = refer(p)  # the personas' case: declined with a reason
    answers.accept_referral(one, by=p.outsider)
    answers.record_delivery(one, by=p.outsider, services=["medical"])
    answers.close_referral(one, by=p.outsider, feedback=FEEDBACK)
    answers.decline_referral(two, by=second_manager, reason=DECLINE)
    three = refer_again(p, case)  # received, never answered: overdue
    assert three.task_id
    notify_overdue(p.other_org, today=TODAY + datetime.timedelta(days=60))

    subjects = [m.subject for m in mail.outbox]
    bodies = "\n".join(f"{m.subject}\n{m.body}\n{m.to}\n{m.extra_headers}" for m in mail.outbox)
    assert "Referral received: answer due" in bodies  # received (it sent nothing before)
    for news in ("was accepted", "services delivered", "closed with feedback", "was declined"):
        assert news in bodies, news
    assert any("overdue" in s for s in subjects)
    to = {addr for m in mail.outbox for addr in m.to}
    assert to == {
        "caseworker@example.org",
        "manager@example.org",
        "outsider@example.org",
        "outsider2@example.org",
    }
    secrets = [
        "Zinaida",
        "Vasilescu",
        "Moraru",
        "Chișinău",
        "bus station",
        "Ploiești",
        "Tatiana",
        "Bălți",
        "aunt",
        "Outsider NGO",  # not even the other side's name
    ]
    for c in (case, p.case):
        secrets += [c.number, c.number.split("-")[-1]]
    for secret in secrets:
        assert secret not in bodies, secret
    for r in (one, two, three):
        assert f"/referrals/{r.pk}/" not in bodies  # the mail links to "My work" only


def refer_again(p: Any, case: Any) -> Any:
    consent_for(p, case=case)
    data = {
        "recipient_kind": "organization",
        "to_organization": p.other_org,
        "reason": SECRET,
        "services": ["legal"],
        "parts": ["identity"],
    }
    return referrals.send_referral(fresh(case), by=p.caseworker, data=data)
