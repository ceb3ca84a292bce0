"""The search box finds people the way they are spelled in the field: one word of a name, any script,
typos, birth year or age, a fragment of the case number, a document number — through blind indexes."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from ctm.cases.domain import persons as person_domain
from ctm.cases.domain.queries.search import parse_terms, search_cases
from ctm.cases.models import PersonPhoneticKey
from ctm.core.models import ActivityLog
from tests.factories import make_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def ion(personas):
    return make_case(personas.caseworker, given="Ion", family="Popescu", birth=datetime.date(1998, 3, 14))


def numbers(personas, text, who="caseworker"):
    return {c.number for c in search_cases(personas.membership(who), text)}


@pytest.mark.parametrize(
    "text",
    ["Popescu", "popescu", "Ion Popesku", "Popesku Ion", "Попеску", "Ион Попеску", "Popescu 1998", "ion 1998"],
)
def test_a_person_is_found_by_a_word_of_the_name_in_any_script_and_spelling(personas, ion, text):
    assert numbers(personas, text) == {ion.number}


@pytest.mark.parametrize("text", ["Rusu", "Ion Rusu", "Popescu 1970", "Maria Popescu"])
def test_other_names_and_years_do_not_match(personas, ion, text):
    assert ion.number not in numbers(personas, text)


def test_a_fragment_of_the_case_number_finds_the_case(personas, ion):
    fragment = ion.number.rsplit("-", 1)[-1]  # e.g. "00002"
    assert fragment.startswith("000")
    assert numbers(personas, fragment) == {ion.number}


def test_the_case_number_00356_is_found_by_its_sequence(personas):
    from ctm.cases.models import Case

    Case.objects.filter(pk=personas.case.pk).update(number="MD-CHI-2026-00356")
    assert numbers(personas, "00356") == {"MD-CHI-2026-00356"}


def test_a_document_number_finds_the_person(personas, ion):
    person_domain.add_document(ion, by=personas.caseworker, data={"kind": "passport", "number": "AB 123-456"})
    assert numbers(personas, "ab123456") == {ion.number}


def test_an_estimated_age_or_a_birth_year_finds_people_without_a_birth_date(personas):
    this_year = datetime.date.today().year
    case = make_case(personas.caseworker, given="Ana", family="Ceban")
    person_domain.update_person(case, by=personas.caseworker, data={"birth_date": None, "estimated_age": 25})
    assert case.number in numbers(personas, "Ceban 25")
    assert case.number in numbers(personas, f"Ana {this_year - 25}")
    assert case.number in numbers(personas, f"Ana {this_year - 26}")  # a year off: estimates are rough
    assert case.number not in numbers(personas, "Ceban 40")


def test_an_age_finds_people_with_a_birth_date(personas, ion):
    age = person_domain.age_on(ion.person, datetime.date.today())
    assert ion.number in numbers(personas, f"Popescu {age}")


def test_the_outsider_finds_nothing_of_ours(personas, ion):
    assert numbers(personas, "Popescu", who="outsider") == set()
    assert numbers(personas, ion.number.rsplit("-", 1)[-1], who="outsider") == set()


def test_the_index_holds_no_plaintext(personas, ion):
    with connection.cursor() as cursor:
        cursor.execute("SELECT digest FROM cases_personphonetickey")
        stored = " ".join(row[0] for row in cursor.fetchall()).lower()
    for plain in ("popescu", "ion", "ppsk", "1998"):
        assert plain not in stored
    assert PersonPhoneticKey.objects.filter(person=ion.person).count() >= 6


def test_the_search_is_logged_without_what_was_typed(personas, ion):
    numbers(personas, "Ion Popescu 1998")
    entry = ActivityLog.objects.filter(action="cases.person.searched").latest("id")
    assert entry.changes == {"by": "search box", "terms": ["names", "years", "fragments"]}
    assert "Popescu" not in str(entry.changes)


def test_parse_terms():
    terms = parse_terms("Ion Popescu 1998 35 00356 AB12")
    assert terms.names == ["ion", "popescu"]
    assert terms.years == [1998] and terms.ages == [35]
    assert terms.fragments == ["1998", "00356", "AB12"]


def test_the_search_page_shows_names_to_the_caseworker_and_logs_the_listing(client, personas, ion):
    client.force_login(personas.caseworker.user)
    response = client.post(reverse("cases:search"), {"q": "Popesku"})
    body = response.content.decode()
    assert response.status_code == 200 and "Ion Popescu" in body and ion.number in body
    entry = ActivityLog.objects.filter(action="cases.person.listed").latest("id")
    assert entry.changes["cases"] == [ion.number] and entry.changes["purpose"] == "search results"


def test_the_search_box_is_on_the_case_list(client, personas):
    client.force_login(personas.caseworker.user)
    assert 'name="q"' in client.get(reverse("cases:list")).content.decode()


def test_ctm_reindex_recomputes_the_search_keys_and_logs_a_count(personas, ion):
    from django.core.management import call_command

    from tests.conftest import as_in_production

    PersonPhoneticKey.objects.filter(person=ion.person).delete()  # as after an upgrade
    assert numbers(personas, "Popesku") == set()
    as_in_production(call_command, "reindex", "--organization", "CHI")
    assert numbers(personas, "Popesku") == {ion.number}
    entry = ActivityLog.objects.filter(action="cases.person.reindexed").get()
    assert entry.changes == {"persons": 2} and entry.organization_id == personas.org.pk
