"""The referral rules in the domain functions: consent, states, tasks, the receiver's access."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ctm.assistance.models import Notification, Task
from ctm.cases.domain import consent as consent_domain
from ctm.cases.enums import CaseStatus
from ctm.core.models import ActivityLog
from ctm.referrals.domain import answers, referrals
from ctm.referrals.domain.queries.access import shared_parts_readable
from ctm.referrals.domain.queries.inbox import inbox
from ctm.referrals.models import Referral
from tests.referrals.objects import SECRET, accepted, consent_for, fresh, refer

pytestmark = pytest.mark.django_db


def test_a_referral_without_consent_is_refused(personas):
    with pytest.raises(ValidationError):
        refer(personas, consent=False)
    assert Referral.objects.count() == 0


def test_a_consent_for_another_organization_does_not_count(personas):
    from tests import factories as f

    third = f.make_org("THR", "RO", name="Third NGO")
    consent_for(personas, third)
    with pytest.raises(ValidationError):
        refer(personas, consent=False)


def test_emergency_override_by_a_case_manager_is_logged_for_the_owner(personas):
    referral = refer(
        personas, consent=False, urgency="emergency", emergency_reason="Bleeding, needs a doctor now"
    )
    assert referral.consent_id is None and referral.overridden
    entry = ActivityLog.objects.get(action="referrals.referral.sent", organization=personas.org)
    assert entry.changes["consent_override"] == "•••"
    assert "Bleeding" not in str(entry.changes)


def test_only_a_case_manager_overrides_and_only_for_an_emergency(personas):
    data = {
        "recipient_kind": "organization",
        "to_organization": personas.other_org,
        "reason": "x",
        "urgency": "emergency",
        "emergency_reason": "life at risk",
    }
    with pytest.raises(PermissionDenied):
        referrals.send_referral(fresh(personas.case), by=personas.caseworker, data=data)
    with pytest.raises(ValidationError):
        referrals.send_referral(
            fresh(personas.case), by=personas.case_manager, data={**data, "urgency": "urgent"}
        )


def test_sending_raises_an_answer_task_and_notifies_the_receiver_without_identifying_data(personas):
    referral = refer(personas)
    task = Task.objects.get(pk=referral.task_id)
    assert task.organization_id == personas.other_org.pk and task.kind == "referral_answer"
    note = Notification.objects.get(user=personas.outsider.user)
    assert note.kind == "referral_answer" and note.case_id == personas.case.pk
    assert not Notification.objects.filter(organization=personas.org).exists()


def test_the_receiver_sees_nothing_before_accepting_then_only_the_shared_parts(personas):
    referral = refer(personas)
    assert not shared_parts_readable(personas.outsider, referral)
    answers.accept_referral(referral, by=personas.outsider)
    assert shared_parts_readable(personas.outsider, referral)
    assert Task.objects.get(pk=referral.task_id).status == "done"


def test_withdrawing_the_consent_ends_the_access_at_once(personas):
    referral = accepted(personas)
    consent = referral.consent
    consent_domain.withdraw_consent(consent, by=personas.case_manager)
    assert not shared_parts_readable(personas.outsider, Referral.objects.get(pk=referral.pk))


def test_states_move_one_way(personas):
    referral = accepted(personas)
    with pytest.raises(ValidationError):
        answers.decline_referral(referral, by=personas.outsider, reason="no")
    answers.record_delivery(referral, by=personas.outsider, services=["accommodation"])
    answers.close_referral(referral, by=personas.outsider, feedback="She is safe now.")
    assert not shared_parts_readable(personas.outsider, referral)
    with pytest.raises(ValidationError):
        referrals.withdraw_referral(referral, by=personas.case_manager)


def test_the_sender_cannot_answer_and_the_receiver_cannot_withdraw(personas):
    referral = refer(personas)
    with pytest.raises(PermissionDenied):
        answers.accept_referral(referral, by=personas.case_manager)
    with pytest.raises(PermissionDenied):
        referrals.withdraw_referral(referral, by=personas.outsider)


def test_decline_with_reason_and_withdrawal(personas):
    referral = refer(personas)
    answers.decline_referral(referral, by=personas.outsider, reason="No places left")
    assert Referral.objects.get(pk=referral.pk).decline_reason == "No places left"
    second = refer(personas, consent=False)  # the first consent still holds; the declined one is settled
    referrals.withdraw_referral(second, by=personas.case_manager)
    assert Referral.objects.get(pk=second.pk).state == "withdrawn"


def test_one_open_referral_per_recipient(personas):
    refer(personas)
    with pytest.raises(ValidationError):
        refer(personas, consent=False)


def test_a_transfer_opens_the_case_in_the_receiver_and_closes_the_senders(personas):
    referral = refer(personas, kind="transfer")
    assert set(referral.part_list) >= {"identity", "documents", "screening"}
    answers.accept_referral(referral, by=personas.outsider)
    new_case = referral.received_case
    assert new_case.organization_id == personas.other_org.pk
    assert new_case.person.given_name == fresh(personas.case).person.given_name
    old = fresh(personas.case)
    assert old.status == CaseStatus.CLOSED_REFERRED and old.organization_id == personas.org.pk


def test_the_sender_keeps_a_read_of_a_transferred_case_but_cannot_take_it_back_by_reopening(client, personas):
    """Attack: the sender reopens its closed copy and works on the person again, beside the receiver
    now responsible for the case."""
    from django.urls import reverse

    from ctm.cases.domain.cases import reopen_case
    from ctm.core.errors import InvalidTransition

    answers.accept_referral(refer(personas, kind="transfer"), by=personas.outsider)
    with pytest.raises(InvalidTransition, match="transferred"):
        reopen_case(fresh(personas.case), by=personas.case_manager, reason="Take it back")
    assert fresh(personas.case).status == CaseStatus.CLOSED_REFERRED
    client.force_login(personas.caseworker.user)
    assert client.get(reverse("cases:detail", args=[personas.case.number])).status_code == 200
    client.force_login(personas.case_manager.user)
    client.cookies["django_language"] = "fr"
    page = client.post(reverse("cases:reopen", args=[personas.case.number]), {"reason": "Take it back"})
    assert page.status_code == 400 and "qui en est désormais responsable" in page.content.decode()
    assert fresh(personas.case).status == CaseStatus.CLOSED_REFERRED


def test_a_case_closed_as_referred_without_a_transfer_still_reopens(personas):
    from ctm.cases.domain.cases import close_case, reopen_case

    answers.accept_referral(refer(personas), by=personas.outsider)  # a plain referral, accepted
    close_case(fresh(personas.case), by=personas.case_manager, reason="referred")
    assert fresh(personas.case).status == CaseStatus.CLOSED_REFERRED
    reopen_case(fresh(personas.case), by=personas.case_manager, reason="She came back")
    assert not fresh(personas.case).is_closed


def test_a_directory_recipient_needs_a_consent_naming_the_entry(personas):
    from ctm.directory.models import SharedEntry

    entry = SharedEntry.objects.create(name="Shelter Speranța", entry_type="shelter", country="MD")
    data = {
        "recipient_kind": "directory",
        "directory_ref": entry.ref,
        "reason": SECRET,
        "services": ["accommodation"],
    }
    with pytest.raises(ValidationError):
        referrals.send_referral(fresh(personas.case), by=personas.caseworker, data=data)
    consent_for(personas, contact=entry.ref)
    referral = referrals.send_referral(fresh(personas.case), by=personas.caseworker, data=data)
    assert referral.contact["name"] == "Shelter Speranța" and referral.task_id is None


def test_the_inbox_shows_overdue_referrals(personas):
    import datetime

    referral = refer(personas)
    Referral.objects.filter(pk=referral.pk).update(
        answer_due_on=datetime.date.today() - datetime.timedelta(days=1)
    )
    assert [r.pk for r in inbox(personas.outsider, overdue_only=True)] == [referral.pk]
    assert [r.pk for r in inbox(personas.case_manager, box="sent", overdue_only=True)] == [referral.pk]
    assert inbox(personas.other_caseworker, box="sent") == []  # not on the case
