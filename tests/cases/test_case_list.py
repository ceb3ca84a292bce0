"""The case list: exactly the cases each role may see (ids looked up first), and the capped count."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404
from django.urls import reverse

from ctm.cases.domain import cases as case_domain
from ctm.cases.domain import consent as consent_domain
from ctm.cases.domain.queries import paging, scoping
from ctm.cases.domain.queries.cases import (
    CaseFilters,
    case_list,
    cases_for_user,
    filter_cases,
    get_case_for_user,
    may_write_case,
    may_write_shown,
)
from ctm.cases.domain.queries.listing import LIST_ORDER, case_rows
from ctm.cases.domain.queries.paging import CappedPaginator
from ctm.core.enums import CaseworkerScope, Role
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture
def register(personas):
    """Cases that could leak: a colleague's, an assigned one, one shared in, one shared out and revoked."""
    p = personas
    colleague = f.make_case(p.other_caseworker, given="Ana", family="Rusu")
    assigned = f.make_case(p.other_caseworker, given="Ion", family="Ciobanu")
    case_domain.assign_case(assigned, by=p.case_manager, assignees=[p.caseworker.user])
    shared_in = f.make_case(p.outsider, given="Malee", family="Srisuk")
    _share(shared_in, p.outsider, to=p.org)
    revoked = f.make_case(p.outsider, given="Niran", family="Chai")
    consent = _share(revoked, p.outsider, to=p.org)
    consent_domain.withdraw_consent(consent, by=p.outsider, on=TODAY)
    shared_out = f.make_case(p.caseworker, given="Vera", family="Lupu")
    _share(shared_out, p.case_manager, to=p.other_org)
    return {
        "own": p.case,
        "colleague": colleague,
        "assigned": assigned,
        "shared_in": shared_in,
        "revoked": revoked,
        "shared_out": shared_out,
        "outsider": p.outsider_case,
    }


def _share(case, by, *, to):
    consent = consent_domain.record_consent(
        case, by=by, data={"scope": "referral", "given_on": TODAY, "referral_organization": to}
    )
    case_domain.share_case(case, by=by, consent=consent)
    return consent


def one_query(membership, f) -> list[str]:
    """The same list as one query over `cases_for_user` (the scope as one OR): the oracle."""
    qs = filter_cases(cases_for_user(membership), f).order_by(*LIST_ORDER)
    return list(qs.values_list("number", flat=True))


def listed(membership, **filters) -> set[str]:
    """The numbers the list page shows (read part by part), checked against the oracle and the API's list."""
    f = CaseFilters(**filters)
    rows, api = case_rows(membership, f), case_list(membership, f)
    numbers = [c.number for c in rows[0:100]]
    assert len(numbers) == len(set(numbers)) == rows.count() == rows.count(cap=100) == api.count()
    assert numbers == one_query(membership, f) == [c.number for c in api[0:100]]
    return set(numbers)


def numbers(register, *names) -> set[str]:
    return {register[n].number for n in names}


EXPECTED = {
    "caseworker": ("own", "assigned", "shared_out"),
    "other_caseworker": ("colleague", "assigned"),
    "case_manager": ("own", "colleague", "assigned", "shared_in", "shared_out"),
    "auditor": ("own", "colleague", "assigned", "shared_out"),
    "outsider": ("outsider", "shared_in", "revoked", "shared_out"),
}


@pytest.mark.parametrize("id_list_limit", [1000, 0], ids=["id list", "subquery"])
@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_lists_exactly_its_cases(personas, register, monkeypatch, role, id_list_limit):
    monkeypatch.setattr(scoping, "ID_LIST_LIMIT", id_list_limit)
    assert listed(getattr(personas, role)) == numbers(register, *EXPECTED[role])


@pytest.mark.parametrize("role", ["org_admin", "data_manager", "fund_reviewer"])
def test_roles_without_case_access_list_nothing(personas, register, role):
    assert listed(getattr(personas, role)) == set()


def test_office_scope_adds_the_office_cases_and_nothing_else(personas, register):
    personas.org.caseworker_scope = CaseworkerScope.OFFICE
    personas.org.save(update_fields=["caseworker_scope"])
    member = f.make_member(personas.org, Role.CASEWORKER, office=personas.org.offices.order_by("id").last())
    in_office = f.make_case(member, given="Eva", family="Moraru")
    assert listed(member) == {in_office.number}
    member.office = personas.org.offices.order_by("id").first()
    member.save(update_fields=["office"])
    head_office = numbers(register, "own", "colleague", "assigned", "shared_out")
    assert listed(member) == head_office | {in_office.number}


def test_filters_keep_the_scope(personas, register):
    assert listed(personas.caseworker, status="Active") == numbers(register, "own", "assigned", "shared_out")
    assert listed(personas.case_manager, number=register["shared_in"].number) == numbers(
        register, "shared_in"
    )
    assert listed(personas.caseworker, number=register["colleague"].number) == set()
    assert listed(personas.auditor, number=register["shared_in"].number) == set()


def test_shared_in_cases_are_readable_not_writable(personas, register):
    manager, case = personas.case_manager, register["shared_in"]
    assert get_case_for_user(manager, case.number) == case
    assert not may_write_case(manager, case)
    assert may_write_case(personas.caseworker, register["assigned"])
    assert not may_write_case(personas.caseworker, register["colleague"])


def test_paginator_counts_up_to_the_cap(personas, register):
    qs = case_list(personas.case_manager, CaseFilters())
    exact = CappedPaginator(qs, 2, cap=10)
    assert (exact.count, exact.capped, exact.num_pages) == (5, False, 3)
    capped = CappedPaginator(qs, 2, cap=4)
    assert (capped.count, capped.capped, capped.num_pages) == (5, True, 2)
    last = capped.get_page(99)
    assert last.number == 2 and len(last.object_list) == 2 and not last.has_next()


def test_list_page_says_more_than_the_cap(client, personas, register, monkeypatch):
    client.force_login(personas.case_manager.user)
    body = client.get(reverse("cases:list")).content.decode()
    assert "5 cases" in body and "More than" not in body
    monkeypatch.setattr(paging, "COUNT_CAP", 3)
    body = client.get(reverse("cases:list")).content.decode()
    assert "More than 3 cases" in body and "5 cases" not in body


def test_pages_merge_own_and_shared_cases_in_order(personas, register):
    """Shared-in cases fall between the organization's own on the pages, newest first."""
    from ctm.cases.models import Case

    day = datetime.date(2026, 1, 1)
    for k, case in enumerate(sorted(register.values(), key=lambda c: c.pk)):
        Case.objects.filter(pk=case.pk).update(opened_on=day + datetime.timedelta(days=(k * 5) % 7))
    manager, f = personas.case_manager, CaseFilters()
    expected = one_query(manager, f)
    paginator = CappedPaginator(case_rows(manager, f), 2)
    pages = [paginator.page(n).object_list for n in paginator.page_range]
    assert [c.number for page in pages for c in page] == expected
    assert paginator.count == 5 and len(pages) == 3


def test_list_queries_do_not_grow_with_shared_cases(client, personas, register):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas.case_manager.user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("cases:list")).status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    for given in ("Dara", "Kanya"):
        _share(f.make_case(personas.outsider, given=given, family="Wong"), personas.outsider, to=personas.org)
    assert queries() == one


def _door(membership, number, *, write=False):
    try:
        return get_case_for_user(membership, number, write=write)
    except Http404:
        return None


@pytest.mark.parametrize("role", [*EXPECTED, "org_admin", "data_manager", "fund_reviewer"])
def test_the_door_opens_exactly_the_cases_of_the_list_and_knows_which_it_may_change(personas, register, role):
    """The door reads one case in one statement (an assignment as a correlated EXISTS, a share only
    when the organization has no such case): it must open what the list's filters open, write what
    `may_write_case` allows, and say so to the page (`may_write_shown`) without a second opinion."""
    member = getattr(personas, role)
    readable = set(cases_for_user(member).values_list("number", flat=True))
    for name, case in register.items():
        read, write = _door(member, case.number), _door(member, case.number, write=True)
        assert (read is not None) == (case.number in readable), (role, name)
        assert (write is not None) == (read is not None and may_write_case(member, case)), (role, name)
        if read is not None:
            assert may_write_shown(member, read) == may_write_case(member, read), (role, name)
            assert may_write_shown(personas.auditor, read) == may_write_case(personas.auditor, read)


def test_the_door_costs_one_statement_for_a_case_of_ones_own_organization(personas, register):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for member, case in [(personas.case_manager, register["colleague"]), (personas.caseworker, register["assigned"])]:
        with CaptureQueriesContext(connection) as ctx:
            found = get_case_for_user(member, case.number)
            assert may_write_shown(member, found)
        assert len(ctx.captured_queries) == 1, [q["sql"] for q in ctx.captured_queries]
