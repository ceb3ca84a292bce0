"""Tasks and notifications: due dates derived from events, "my work", overdue per office."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from ctm.assistance.domain import work
from ctm.assistance.domain.assessments import record_assessment
from ctm.assistance.domain.queries.work import my_tasks, overdue_tasks
from ctm.assistance.models import Notification, Task
from ctm.cases.domain.screening import propose_eligibility, record_screening
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import ActivityLog
from tests import factories as f
from tests.assistance.objects import TODAY, fresh

pytestmark = pytest.mark.django_db


def test_a_screening_makes_the_eligibility_decision_due_in_7_days_and_a_proposal_settles_it(personas):
    p = personas
    day = TODAY - datetime.timedelta(days=10)
    record_screening(fresh(p.case), by=p.caseworker, data={"interview_date": day})
    (task,) = Task.objects.filter(case=p.case)
    assert (task.kind, task.assignee_id, task.due_on) == (
        "eligibility_due",
        p.caseworker.user_id,
        day + datetime.timedelta(days=7),
    )
    assert list(my_tasks(p.caseworker)) == [task]
    assert list(overdue_tasks(p.case_manager)) == [task]
    record_screening(fresh(p.case), by=p.caseworker, data={"narrative": "more"})  # an edit: no second task
    assert Task.objects.count() == 1
    propose_eligibility(
        fresh(p.case),
        by=p.caseworker,
        data={
            "trafficking_status": "PossibleVictimOfTrafficking",
            "decision_body": "NGO",
            "decided_on": TODAY,
        },
    )
    task.refresh_from_db()
    assert task.status == "done" and task.done_by_id == p.caseworker.user_id


def _high_risk(p, case=None):
    record_assessment(fresh(case or p.case), by=p.caseworker, safety_risk="high", factors={})
    return Task.objects.get(case=case or p.case, kind="high_risk_follow_up")


def test_a_role_task_is_for_every_case_manager_of_the_organization(personas):
    p = personas
    field = p.org.offices.order_by("id").last()
    elsewhere = f.make_member(p.org, "case_manager", "manager-field", office=field)
    task = _high_risk(p)
    assert list(my_tasks(p.case_manager)) == list(my_tasks(elsewhere)) == [task]
    assert set(Notification.objects.values_list("user_id", flat=True)) == {
        p.case_manager.user_id,
        elsewhere.user_id,
    }
    assert list(my_tasks(p.caseworker)) == [] and list(my_tasks(p.outsider)) == []
    for who in (p.caseworker, p.outsider):
        with pytest.raises(NotAllowed):
            work.complete_task(task, by=who)
    work.complete_task(task, by=elsewhere)  # one of them does it: done for all
    with pytest.raises(InvalidTransition):
        work.complete_task(task, by=p.case_manager)
    assert list(my_tasks(p.case_manager)) == []


def test_overdue_per_office(client, personas):
    p = personas
    task = _high_risk(p)
    Task.objects.filter(pk=task.pk).update(due_on=TODAY - datetime.timedelta(days=1))
    client.force_login(p.case_manager.user)
    url = reverse("assistance:overdue")
    assert p.case.number in client.get(url).content.decode()
    field = p.org.offices.order_by("id").last()
    assert p.case.number not in client.get(url, {"office": field.pk}).content.decode()
    assert p.case.number in client.get(url, {"office": task.office_id}).content.decode()
    client.force_login(p.outsider.user)
    assert p.case.number not in client.get(url).content.decode()


def test_my_work_page_and_notifications_carry_no_identifying_data(client, personas):
    p = personas
    _high_risk(p)
    client.force_login(p.case_manager.user)
    body = client.get(reverse("assistance:my_work")).content.decode()
    assert p.case.number in body and "Follow up a high safety risk" in body
    assert "Olga" not in body and "Petrova" not in body
    for n in Notification.objects.all():
        assert set(vars(n)) >= {"kind", "case_id"}  # a kind and a case: no message text at all
    assert client.post(reverse("assistance:read_notifications")).status_code == 302
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    task = Task.objects.get()
    before = ActivityLog.objects.count()
    assert client.post(reverse("assistance:complete_task", args=[task.pk])).status_code == 302
    assert ActivityLog.objects.filter(action="assistance.task.done").count() == 1
    assert ActivityLog.objects.count() == before + 1


def test_another_organizations_task_is_a_404_and_a_security_event(client, personas):
    p = personas
    task = _high_risk(p)
    client.force_login(p.outsider.user)
    assert client.post(reverse("assistance:complete_task", args=[task.pk])).status_code == 404
    assert ActivityLog.objects.filter(action="security.task.refused", actor=p.outsider.user).exists()
    task.refresh_from_db()
    assert task.status == "open"


def test_overdue_tasks_are_notified_once(personas):
    import io

    from django.core.management import call_command

    from tests.conftest import as_in_production

    p = personas
    task = _high_risk(p)
    Task.objects.filter(pk=task.pk).update(due_on=TODAY - datetime.timedelta(days=1))
    out = io.StringIO()
    as_in_production(call_command, "remind_overdue", stdout=out)
    assert "1 overdue task(s)" in out.getvalue()
    overdue = Notification.objects.filter(overdue=True)
    assert list(overdue.values_list("user_id", "task_id")) == [(p.case_manager.user_id, task.pk)]
    entry = ActivityLog.objects.get(action="assistance.tasks.overdue_notified")
    assert entry.organization_id == p.org.pk and entry.changes == {"tasks": [None, 1]}
    as_in_production(call_command, "remind_overdue", stdout=io.StringIO())
    assert Notification.objects.filter(overdue=True).count() == 1


def test_a_closed_cases_tasks_leave_my_work_and_come_back_on_reopening(personas):
    from ctm.cases.domain.cases import close_case, reopen_case

    p = personas
    task = _high_risk(p)
    Task.objects.filter(pk=task.pk).update(due_on=TODAY - datetime.timedelta(days=1))
    close_case(fresh(p.case), by=p.case_manager, reason="plan_completed")
    assert list(my_tasks(p.case_manager)) == [] and list(overdue_tasks(p.case_manager)) == []
    assert work.notify_overdue(p.org) == 0
    reopen_case(fresh(p.case), by=p.case_manager)
    assert list(my_tasks(p.case_manager)) == [task]
