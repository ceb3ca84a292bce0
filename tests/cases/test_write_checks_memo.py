"""`write_checks_memo`: a write check derived once per membership state and case, never a stale answer.

`ctm demo` opens it around each case it creates; these tests change, inside the block, everything the
answer depends on (role, organization setting, assignment, office) and expect the change at once.
"""

from __future__ import annotations

import pytest
from django.db import transaction

from ctm.cases.domain.cases import assign_case, update_case
from ctm.cases.domain.queries.cases import may_write_case, write_checks_memo
from ctm.core.enums import CaseworkerScope, Role
from ctm.core.models import Office


@pytest.fixture
def memo(personas):
    with transaction.atomic(), write_checks_memo():
        yield personas


def test_each_check_is_derived_once(memo, django_assert_num_queries):
    assert may_write_case(memo.caseworker, memo.case)
    with django_assert_num_queries(0):
        assert may_write_case(memo.caseworker, memo.case)


def test_a_changed_role_is_seen_at_once(memo):
    assert may_write_case(memo.caseworker, memo.case)
    memo.caseworker.role = Role.AUDITOR
    memo.caseworker.save(update_fields=["role"])
    assert not may_write_case(memo.caseworker, memo.case)


def test_a_deactivated_membership_is_seen_at_once(memo):
    assert may_write_case(memo.caseworker, memo.case)
    memo.caseworker.is_active = False
    assert not may_write_case(memo.caseworker, memo.case)


def test_a_changed_caseworker_scope_is_seen_at_once(memo):
    colleague = memo.other_caseworker  # same office as the case, neither owner nor assigned
    assert not may_write_case(colleague, memo.case)
    colleague.organization.caseworker_scope = CaseworkerScope.OFFICE
    colleague.organization.save(update_fields=["caseworker_scope"])
    assert may_write_case(colleague, memo.case)


def test_an_assignment_and_its_removal_are_seen_at_once(memo):
    colleague = memo.other_caseworker
    assert not may_write_case(colleague, memo.case)
    assign_case(memo.case, by=memo.case_manager, assignees=[colleague.user])
    assert may_write_case(colleague, memo.case)
    assign_case(memo.case, by=memo.case_manager, assignees=[])
    assert not may_write_case(colleague, memo.case)


def test_a_move_to_another_office_is_seen_at_once(memo):
    memo.org.caseworker_scope = CaseworkerScope.OFFICE
    memo.org.save(update_fields=["caseworker_scope"])
    colleague = memo.other_caseworker
    assert may_write_case(colleague, memo.case)  # the case is in the colleague's office
    elsewhere = Office.objects.create(organization=memo.org, code="FAR", name="Far office", country="MD")
    update_case(memo.case, by=memo.case_manager, data={"office": elsewhere})
    assert not may_write_case(colleague, memo.case)
