"""Notifications announced by e-mail: opt-in per person, sent by the job worker (not in the request
that raised them), and never carrying identifying data — tried with a case whose person's name and
number are known, through every way a notification is raised here."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from ctm.accounts.domain.preferences import set_notification_email
from ctm.assistance.domain.assessments import record_assessment
from ctm.assistance.domain.work import notify_overdue, raise_task
from ctm.assistance.enums import TaskKind
from ctm.assistance.models import Notification
from ctm.cases.models import Case
from ctm.core.enums import Role
from ctm.core.models import ActivityLog
from tests import factories as f
from tests.runtime.thread_queue import DATABASE_BACKEND

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _opt_in(*memberships):
    for m in memberships:
        set_notification_email(m.user, enabled=True, email=f"{m.user.username}@example.org")


def _everything_sent() -> str:
    return "\n".join(f"{m.subject}\n{m.body}\n{m.to}\n{m.extra_headers}" for m in mail.outbox)


def test_no_mail_names_the_person_or_the_case(personas):
    """A case of a person whose name and number are known; every kind of notification raised on it,
    overdue ones included; neither the name nor the number (nor any part of them) is in any mail."""
    _opt_in(personas.caseworker, personas.case_manager)
    case = f.make_case(personas.caseworker, given="Zinaida", family="Vasilescu-Moraru")
    record_assessment(
        Case.objects.get(pk=case.pk), by=personas.caseworker, safety_risk="high", factors={}, assessed_on=TODAY
    )
    raise_task(case, kind=TaskKind.ELIGIBILITY_DUE, on=TODAY - datetime.timedelta(days=30), assignee=personas.caseworker.user)
    notify_overdue(personas.org, today=TODAY)
    assert len(mail.outbox) >= 3  # high risk (manager), eligibility due (caseworker), overdue ones
    sent = _everything_sent()
    for secret in ("Zinaida", "Vasilescu", "Moraru", case.number):
        assert secret not in sent, secret
    # The case's number and primary key as numbers of their own, anywhere but in the site's host and port
    # (a case whose key is 27 is not named by "127.0.0.1"; one in a link's path would be)
    without_hosts = re.sub(r"https?://[^/\s]+", "", sent)
    for secret in (case.number.split("-")[-1], str(case.pk)):
        assert not re.search(rf"(?<!\d){re.escape(secret)}(?!\d)", without_hosts), secret
    assert "Follow up a high safety risk" in sent and "/assistance/work/" in sent


def test_only_people_who_opted_in_get_mail_and_each_notification_is_sent_once(personas):
    _opt_in(personas.case_manager)
    set_notification_email(personas.caseworker.user, enabled=False, email="cw@example.org")
    other_manager = f.make_member(personas.org, Role.CASE_MANAGER, "manager2")
    set_notification_email(other_manager.user, enabled=True, email="")  # opted in, no address
    raise_task(personas.case, kind=TaskKind.PLAN_APPROVAL, on=TODAY, role=Role.CASE_MANAGER)
    raise_task(personas.case, kind=TaskKind.ELIGIBILITY_DUE, on=TODAY, assignee=personas.caseworker.user)
    assert [m.to for m in mail.outbox] == [["manager@example.org"]]
    from ctm.assistance.domain.mail import send_notification_emails

    ids = list(Notification.objects.values_list("pk", flat=True))
    assert send_notification_emails(personas.org.pk, ids) == 0  # run again: nothing twice
    assert len(mail.outbox) == 1


def test_the_mail_is_sent_by_the_worker_not_by_the_request(settings, personas):
    from django_tasks_db.models import DBTaskResult

    from ctm.runtime.domain.worker import Worker, execute

    settings.TASKS = DATABASE_BACKEND
    _opt_in(personas.case_manager)
    raise_task(personas.case, kind=TaskKind.PLAN_APPROVAL, on=TODAY, role=Role.CASE_MANAGER)
    assert mail.outbox == []  # the request's work is done; the mail waits in the queue
    row = DBTaskResult.objects.get(task_path__endswith="email_notifications")
    assert row.args_kwargs["args"][0] == personas.org.pk  # plain ids only in the queue's table
    claimed = Worker(name="test").claim()
    assert claimed is not None and execute(claimed)
    assert [m.to for m in mail.outbox] == [["manager@example.org"]]


def test_the_mail_is_in_the_persons_language(personas):
    _opt_in(personas.case_manager)
    user = personas.case_manager.user
    user.preferred_language = "fr"
    user.save(update_fields=["preferred_language"])
    raise_task(personas.case, kind=TaskKind.PLAN_APPROVAL, on=TODAY, role=Role.CASE_MANAGER)
    assert mail.outbox[0].subject.startswith("CTM :") or "CTM" in mail.outbox[0].subject
    assert "CTM" in mail.outbox[0].body


def test_a_person_opts_in_on_their_account_page(client, personas):
    client.force_login(personas.caseworker.user)
    url = reverse("accounts:notification_email")
    assert client.get(url).status_code == 200
    response = client.post(url, {"notify_by_email": "on", "email": ""})
    assert response.status_code == 400 and "Give the address" in response.content.decode()
    response = client.post(url, {"notify_by_email": "on", "email": "not-an-address"})
    assert response.status_code == 400
    response = client.post(url, {"notify_by_email": "on", "email": "me@example.org"})
    assert response.status_code == 302
    personas.caseworker.user.refresh_from_db()
    assert personas.caseworker.user.notify_by_email and personas.caseworker.user.email == "me@example.org"
    entry = ActivityLog.objects.get(action="accounts.user.notification_email_changed")
    assert "me@example.org" not in str(entry.changes)
    assert "me@example.org" in client.get(reverse("accounts:account")).content.decode()
