"""The duplicate warning on registration, measured on a labelled set generated without the scorer
(tests/cases/duplicate_pairs.py): recall ≥ 0.95 at precision ≥ 0.90, figures printed."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.urls import reverse

from ctm.cases.domain.cases import open_case
from ctm.cases.domain.queries.cases import duplicate_candidates
from tests.cases.duplicate_pairs import Generator, Record

pytestmark = pytest.mark.django_db
SEED = 20261206


def register(by, r: Record):
    person = {
        "given_name": r.given_name,
        "family_name": r.family_name,
        "birth_date": r.birth_date,
        "estimated_age": r.estimated_age,
        "gender": r.gender,
        "citizenships": list(r.citizenships),
    }
    return open_case(by=by, person_data=person, case_data={})


def flagged(by, r: Record) -> set[str]:
    found = duplicate_candidates(
        by,
        r.given_name,
        r.family_name,
        r.birth_date,
        None,
        estimated_age=r.estimated_age,
        gender=r.gender,
        citizenships=list(r.citizenships),
    )
    return {d.case_number for d in found}


def test_recall_and_precision_on_the_labelled_pairs(personas):
    by = personas.caseworker
    pairs = Generator(SEED, datetime.date.today()).pairs(near=220, distinct=220)
    cases = [register(by, p.first) for p in pairs]
    outcome: Counter[tuple[bool, bool]] = Counter()
    misses: Counter[str] = Counter()
    for pair, case in zip(pairs, cases, strict=True):
        hit = case.number in flagged(by, pair.second)
        outcome[(pair.same_person, hit)] += 1
        if hit != pair.same_person:
            misses[("missed " if pair.same_person else "false alarm ") + pair.how] += 1
    tp, fn, fp = outcome[(True, True)], outcome[(True, False)], outcome[(False, True)]
    recall, precision = tp / (tp + fn), tp / max(tp + fp, 1)
    print(
        f"\nduplicate check: {tp + fn} near-duplicate and {sum(not p.same_person for p in pairs)} distinct pairs"
    )
    print(
        f"recall {recall:.3f}  precision {precision:.3f}  (tp {tp}, fn {fn}, fp {fp})  errors {dict(misses)}"
    )
    assert tp + fn >= 200 and outcome[(False, False)] + fp >= 200
    assert recall >= 0.95 and precision >= 0.90


@pytest.fixture
def ion(personas):
    return register(
        personas.caseworker,
        Record("Ion", "Popescu", datetime.date(1998, 3, 14), None, "Masculine", ("MD",)),
    )


@pytest.mark.parametrize(
    ("record", "expected"),
    [
        (Record("Ion", "Popescu", None, None, "", ()), True),  # same name, no birth date
        (Record("Ion", "Popescu", datetime.date(1997, 3, 14), None, "Masculine", ()), True),  # a year off
        (Record("Ion", "Popescu", None, datetime.date.today().year - 1998, "Masculine", ("MD",)), True),
        (Record("Ион", "Попеску", datetime.date(1998, 3, 14), None, "", ()), True),
        (Record("Ion", "Popesku", datetime.date(1998, 3, 14), None, "", ()), True),
        (Record("Ion", "Rusu", datetime.date(1998, 7, 1), None, "Masculine", ("MD",)), False),
        (Record("Ion", "Popescu", datetime.date(1975, 3, 14), None, "Masculine", ("MD",)), False),
    ],
)
def test_the_cases_named_in_the_issue(personas, ion, record, expected):
    assert (ion.number in flagged(personas.caseworker, record)) is expected


def test_the_warning_links_only_the_cases_the_user_may_open(client, personas, ion, settings):
    from ctm.core.domain import organizations as org_domain

    org_domain.update_organization(personas.org, by=personas.org_admin, data={"caseworker_scope": "own"})
    colleague = personas.other_caseworker
    data = {"given_name": "Ion", "family_name": "Popesku", "gender": "Masculine", "citizenships": ["MD"]}
    client.force_login(colleague.user)
    body = client.post(reverse("cases:new"), data).content.decode()
    assert ion.number in body and f'href="/cases/{ion.number}/"' not in body
    client.force_login(personas.caseworker.user)
    body = client.post(reverse("cases:new"), data).content.decode()
    assert f'href="/cases/{ion.number}/"' in body


def test_never_across_organizations(personas, ion):
    assert (
        flagged(personas.outsider, Record("Ion", "Popescu", datetime.date(1998, 3, 14), None, "", ()))
        == set()
    )
