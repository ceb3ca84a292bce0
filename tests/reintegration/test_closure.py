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


def test_the_old_close_form_closes_nothing_and_sends_to_the_checklist(client, personas):
    """The case page's plain close form used to close a case with a reason only. Its address remains
    (bookmarks, old pages): a GET or a POST is sent to the checklist, and the case stays open."""
    from django.urls import reverse

    p = personas
    client.force_login(p.case_manager.user)
    old = reverse("cases:close", args=[p.case.number])
    checklist = reverse("reintegration:close", args=[p.case.number])
    for response in (client.get(old), client.post(old, {"reason": "plan_completed", "note": "done"})):
        assert response.status_code == 302 and response["Location"] == checklist
    assert not fresh(p.case).is_closed
    assert not ClosureChecklist.objects.filter(case=p.case).exists()
    page = client.get(reverse("cases:detail", args=[p.case.number])).content.decode()
    assert f"href=\"{checklist}\"" in page and f"href=\"{old}\"" not in page  # the case page's button opens the checklist
    # and the checklist page, posted in full, closes it; the return page offers to reopen it
    response = client.post(checklist, {"reason": "plan_completed", "note": "", "checks": ALL})
    assert response.status_code == 302 and fresh(p.case).is_closed
    page = client.get(reverse("reintegration:case", args=[p.case.number])).content.decode()
    assert reverse("cases:reopen", args=[p.case.number]) in page


def test_a_stranger_to_the_case_is_not_sent_on(client, personas):
    from django.urls import reverse

    client.force_login(personas.outsider.user)
    assert client.get(reverse("cases:close", args=[personas.case.number])).status_code == 404


def test_a_minors_closure_is_approved_with_its_checklist_and_the_old_button_closes_nothing(client, personas):
    from django.urls import reverse

    p = personas
    case = minor_case(p)
    checklist = close_with_checklist(fresh(case), by=p.caseworker, reason="plan_completed", checks=ALL)
    assert not checklist.closed and fresh(case).closure_requested_by_id == p.caseworker.user_id
    client.force_login(p.case_manager.user)
    old = reverse("cases:closure_decision", args=[case.number, "approve"])
    assert client.post(old).status_code == 404 and not fresh(case).is_closed
    page = client.get(reverse("cases:detail", args=[case.number])).content.decode()
    approve = reverse("reintegration:approve_closure", args=[case.number])
    assert f'action="{approve}"' in page and f'action="{old}"' not in page
    client.force_login(p.caseworker.user)
    assert client.post(approve).status_code == 403 and not fresh(case).is_closed
    client.force_login(p.case_manager.user)
    assert client.post(approve).status_code == 302
    assert fresh(case).is_closed
    assert ClosureChecklist.objects.get(pk=checklist.pk).closed  # the return page no longer says "waiting"


def test_an_approval_refuses_what_the_record_now_contradicts(personas):
    from ctm.reintegration.domain.closure import approve_closure

    p = personas
    case = minor_case(p)
    close_with_checklist(fresh(case), by=p.caseworker, reason="plan_completed", checks=ALL)
    services.record_service(fresh(case), by=p.caseworker, data={"support_type": "medical", "provider_kind": "own"})
    with pytest.raises(InvalidTransition, match="1 service"):
        approve_closure(fresh(case), by=p.case_manager)
    assert not fresh(case).is_closed
