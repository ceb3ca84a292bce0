"""Closing a case with the checklist (the register closes it; reopening is the register's)."""

from __future__ import annotations

import pytest

from ctm.assistance.domain import services
from ctm.cases.domain.cases import reopen_case
from ctm.core.errors import InvalidTransition
from ctm.reintegration.domain.closure import close_with_checklist
from ctm.reintegration.enums import ClosureCheck
from ctm.reintegration.models import ClosureChecklist
from tests.reintegration.objects import fresh, minor_case

pytestmark = pytest.mark.django_db
ALL = list(ClosureCheck.values)


def test_every_item_must_be_confirmed(personas):
    with pytest.raises(InvalidTransition):
        close_with_checklist(fresh(personas.case), by=personas.caseworker, reason="plan_completed", checks=ALL[:-1])
    with pytest.raises(InvalidTransition):
        close_with_checklist(fresh(personas.case), by=personas.caseworker, reason="plan_completed", checks=[*ALL, "x"])
    assert not fresh(personas.case).is_closed


def test_an_open_service_contradicts_the_checklist(personas):
    p = personas
    services.record_service(fresh(p.case), by=p.caseworker, data={"support_type": "medical", "provider_kind": "own"})
    with pytest.raises(InvalidTransition, match="1 service"):
        close_with_checklist(fresh(p.case), by=p.caseworker, reason="plan_completed", checks=ALL)


def test_close_then_reopen(personas):
    p = personas
    checklist = close_with_checklist(fresh(p.case), by=p.caseworker, reason="re_trafficked", checks=ALL)
    case = fresh(p.case)
    assert case.is_closed and case.closure_reason == "re_trafficked" and checklist.closed
    reopen_case(case, by=p.caseworker, reason="She came back")
    assert not fresh(p.case).is_closed


def test_a_caseworker_closing_a_minors_case_sends_a_request(personas):
    p = personas
    case = minor_case(p)
    checklist = close_with_checklist(fresh(case), by=p.caseworker, reason="plan_completed", checks=ALL)
    assert not checklist.closed and not fresh(case).is_closed
    assert ClosureChecklist.objects.filter(case=case).count() == 1
