"""Query-count guards: the assistance lists cost the same number of queries for 1 item as for 3."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import ctm.assistance.views.work
from ctm.assistance.domain import services, shelters
from ctm.assistance.domain.assessments import record_assessment
from ctm.assistance.models import Task
from tests import factories as f
from tests.assistance.objects import fresh, make_plan
from tests.conftest import count_reversals

pytestmark = pytest.mark.django_db


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _case_with_everything(p, case):
    record_assessment(fresh(case), by=p.caseworker, safety_risk="high", factors={"stigma": "risk"}, notes="n")
    make_plan(p, case=case, agreed=True)
    services.record_service(
        fresh(case),
        by=p.caseworker,
        data={"support_type": "legal", "provider_kind": "outside", "provider_name": "X"},
    )


def test_assistance_page_queries_do_not_grow(client, personas):
    p = personas
    _case_with_everything(p, p.case)
    client.force_login(p.caseworker.user)
    url = reverse("assistance:case", args=[p.case.number])
    one = count(client, url)
    _case_with_everything(p, p.case)
    _case_with_everything(p, p.case)
    assert count(client, url) == one


def _overdue_tasks(p, cases):
    """A high-risk assessment on each case (a task for the case manager), every task three days late."""
    for case in cases:
        record_assessment(fresh(case), by=p.caseworker, safety_risk="high", factors={})
    Task.objects.update(due_on=datetime.date.today() - datetime.timedelta(days=3))


def test_my_work_and_overdue_queries_do_not_grow(client, personas):
    p = personas
    client.force_login(p.case_manager.user)
    cases = [p.case] + [f.make_case(p.caseworker, given=f"G{i}", family="F") for i in range(2)]
    _overdue_tasks(p, cases[:1])
    urls = [reverse("assistance:my_work"), reverse("assistance:overdue")]
    ones = [count(client, url) for url in urls]
    _overdue_tasks(p, cases[1:])
    assert Task.objects.count() == 3
    assert [count(client, url) for url in urls] == ones


def test_my_work_and_overdue_reverse_their_links_once_per_page(client, personas, monkeypatch):
    """The task and notification rows' links are made from one reversal per URL name (`link_maker`), not
    one `{% url %}` per row (about 30 ms for 200 tasks); the links are those `reverse` gives."""
    p = personas
    client.force_login(p.case_manager.user)
    cases = [p.case] + [f.make_case(p.caseworker, given=f"G{i}", family="F") for i in range(3)]
    _overdue_tasks(p, cases[:1])
    urls = [reverse("assistance:my_work"), reverse("assistance:overdue")]
    ones = [count_reversals(client, url, monkeypatch, ctm.assistance.views.work)[0] for url in urls]
    _overdue_tasks(p, cases[1:])
    assert Task.objects.count() == 4
    pages = [count_reversals(client, url, monkeypatch, ctm.assistance.views.work) for url in urls]
    assert [n for n, _ in pages] == ones
    for _, response in pages:
        html = response.content.decode()
        for task in Task.objects.all():
            assert f'href="{reverse("cases:detail", args=[task.case.number])}"' in html
    assert all(f'action="{reverse("assistance:complete_task", args=[t.pk])}"' in pages[0][1].content.decode()
               for t in Task.objects.all())


def test_shelter_list_queries_do_not_grow(client, personas):
    p = personas
    client.force_login(p.caseworker.user)
    first = shelters.create_shelter(by=p.case_manager, name="S0", places=3)
    shelters.admit(fresh(p.case), by=p.caseworker, shelter=first)
    url = reverse("assistance:shelters")
    one = count(client, url)
    for i in (1, 2):
        shelters.create_shelter(by=p.case_manager, name=f"S{i}", places=2)
    assert count(client, url) == one
