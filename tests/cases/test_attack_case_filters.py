"""Attacks on the case list's filters as they are now written: the owner select read as (id, username)
pairs (`NamedModelChoiceField`) and the country selects kept once written (`CountrySelect`, per
language, name, value and attributes). A kept rendering must never carry one user's choice, error or
language into another's page; the owner select must list and accept the organization's active
caseworkers and case managers only; an odd id is a field error, never a 500 and never a filter."""

from __future__ import annotations

import re
import threading

import pytest
from django import forms as django_forms
from django.urls import reverse
from django.utils import translation

from ctm.cases.interfaces.forms import CaseFilterForm
from ctm.core.enums import Role
from ctm.core.interfaces import widgets
from ctm.core.models import Membership
from tests import factories as f

pytestmark = pytest.mark.django_db

LIST = reverse("cases:list")


def _select(page: str, name: str) -> str:
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    assert found, f"no select {name}"
    return found.group(0)


def _options(page: str, name: str) -> dict[str, str]:
    """The select's options but the blank one: value -> label."""
    return {
        v: label
        for v, label in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', _select(page, name))
        if v
    }


def _selected(page: str, name: str) -> list[str]:
    return re.findall(r'<option value="([^"]*)"[^>]*\bselected\b', _select(page, name))


def _django_select(form: CaseFilterForm, name: str) -> str:
    """The field as Django's own Select writes it (the oracle)."""
    field = form.fields[name]
    field.widget = django_forms.Select(choices=field.choices)
    return str(form[name])


@pytest.fixture
def staff(personas):
    """Staff who must not be offered as owners of home's cases: the outsider organization's, a user who
    is home's auditor and the outsider's caseworker, an inactive home caseworker."""
    two_hats = f.make_member(personas.other_org, Role.CASEWORKER, "twohats")
    Membership.objects.create(
        user=two_hats.user, organization=personas.org, role=Role.AUDITOR, office=personas.org.offices.first()
    )
    gone = f.make_member(personas.org, Role.CASEWORKER, "gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    far = f.make_member(personas.other_org, Role.CASEWORKER, "farworker")
    return {"two_hats": two_hats.user, "gone": gone.user, "far": far.user, "outsider": personas.outsider.user}


def test_the_owner_select_offers_the_organizations_active_case_staff_only(client, personas, staff):
    client.force_login(personas.case_manager.user)
    offered = _options(client.get(LIST).content.decode(), "owner")
    assert sorted(offered.values()) == ["caseworker", "caseworker2", "manager"]
    assert offered[str(personas.caseworker.user.pk)] == "caseworker"
    for user in staff.values():
        assert str(user.pk) not in offered and user.username not in offered.values()
    client.force_login(personas.outsider.user)
    theirs = _options(client.get(LIST).content.decode(), "owner")
    assert sorted(theirs.values()) == ["farworker", "outsider", "twohats"]


@pytest.mark.parametrize("who", ["two_hats", "gone", "far", "outsider"])
def test_an_owner_not_offered_is_a_field_error_and_filters_nothing(client, personas, staff, who):
    client.force_login(personas.case_manager.user)
    response = client.get(LIST, {"owner": staff[who].pk})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Select a valid choice" in page
    assert staff[who].username not in page  # the error names no one
    assert _selected(page, "owner") == []
    export = client.get(reverse("cases:export", args=["csv"]), {"owner": staff[who].pk})
    assert export.status_code == 302  # sent back to the list, nothing exported


ODD_IDS = ["abc", "99999999999999999999999", "-1", "0", "1.5", "\x00", "1\x00", "१", "1e3", "' OR 1=1 --"]


@pytest.mark.parametrize("value", ODD_IDS)
def test_an_odd_owner_or_country_is_a_field_error_never_a_500(client, personas, value):
    client.force_login(personas.case_manager.user)
    for name in ("owner", "office", "citizenship", "exploitation_country"):
        response = client.get(LIST, {name: value})
        # 400 with the field's error; "१" is read as 1 by int() (home's first office: a valid choice)
        assert response.status_code in (200, 400), (name, value)
        assert _selected(response.content.decode(), name) in ([], [""]), (name, value)


def test_a_kept_country_select_never_carries_one_forms_value_error_or_language_into_another(personas):
    """Renderings interleaved as concurrent users' pages would be: each is byte for byte what Django's
    own Select writes for that form (value, `aria-invalid` of an error, language)."""
    widgets._RENDERED.clear()
    cases = [
        ("fr", {"citizenship": "MD"}),
        ("en", None),
        ("en", {"citizenship": "ZZ"}),  # invalid: an error on the field
        ("fr", {"citizenship": "MD", "exploitation_country": "FR"}),
        ("en", {"citizenship": "MD"}),
        ("fr", None),
        ("en", {"citizenship": '"><script>alert(1)</script>'}),
        ("fr", {"citizenship": "ZZ"}),
        ("en", {"citizenship": ""}),
    ]
    for _ in range(2):  # written, then kept
        for language, data in cases:
            with translation.override(language):
                form = CaseFilterForm(data, offices=None, staff=None)
                if data is not None:
                    form.is_valid()  # the errors, as the list view has them
                kept = {name: str(form[name]) for name in ("citizenship", "exploitation_country")}
                for name, html in kept.items():
                    assert html == _django_select(form, name), (language, data, name)
                assert "<script>" not in kept["citizenship"]


def test_two_users_pages_in_two_languages_show_each_their_own_choice(client, personas):
    from django.test import Client

    other = Client()
    client.force_login(personas.case_manager.user)
    other.force_login(personas.outsider.user)
    for _ in range(2):
        mine = client.get(LIST, {"citizenship": "MD"}, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        theirs = other.get(LIST, {"exploitation_country": "TH"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert _selected(mine, "citizenship") == ["MD"] and _selected(mine, "exploitation_country") in (
            [],
            [""],
        )
        assert _selected(theirs, "citizenship") in ([], [""]) and _selected(
            theirs, "exploitation_country"
        ) == ["TH"]
        assert "Moldova, République de" in _select(mine, "citizenship")
        assert "Moldova, Republic of" in _select(theirs, "citizenship")
        assert "Republic of" not in _select(mine, "citizenship") and "République" not in _select(
            theirs, "citizenship"
        )


def test_kept_renderings_in_threads_of_different_languages_stay_each_their_own(personas):
    """Web processes serve several threads: the language is the thread's; a rendering kept by one
    thread must be the right one for the next thread's language."""
    widgets._RENDERED.clear()
    problems: list[str] = []

    def render(language: str, value: str) -> None:
        try:
            with translation.override(language):
                for _ in range(30):
                    form = CaseFilterForm({"citizenship": value}, offices=None, staff=None)
                    html = str(form["citizenship"])
                    if html != _django_select(
                        CaseFilterForm({"citizenship": value}, offices=None, staff=None), "citizenship"
                    ):
                        problems.append(f"{language} {value}")
        except Exception as exc:  # pragma: no cover - reported below
            problems.append(repr(exc))

    threads = [
        threading.Thread(target=render, args=(lang, value)) for lang in ("en", "fr") for value in ("MD", "TH")
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert problems == []


def test_the_kept_renderings_stay_few_whatever_values_are_asked(personas):
    """Each value asked is a rendering of its own: an attacker asking for thousands stays within the bound."""
    for k in range(500):
        str(CaseFilterForm({"citizenship": f"X{k}"}, offices=None, staff=None)["citizenship"])
        assert len(widgets._RENDERED) <= 64
