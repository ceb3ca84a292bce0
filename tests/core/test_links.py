"""link_maker: one reverse per page, and always reverse's own answer."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from ctm.core.links import link_maker

NUMBERS = ["CHI-2026-000123", "é à", "a b?c#d%e&f", "100%", "名前", "x;y=z", "~:@!$'()*+,", "0", "-1"]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("number", NUMBERS)
def test_a_made_link_is_reverses_own(language, number):
    with translation.override(language):
        assert link_maker("cases:detail")(number) == reverse("cases:detail", args=[number])


@pytest.mark.parametrize("pk", [0, 1, 42, 918273645, 10**12])
def test_a_made_integer_link_is_reverses_own(pk):
    assert link_maker("assistance:complete_task", integer=True)(pk) == reverse("assistance:complete_task", args=[pk])


@pytest.mark.parametrize("value", ["", "a/b", "/"])
def test_a_value_reverse_refuses_is_refused_the_same(value):
    with pytest.raises(NoReverseMatch):
        reverse("cases:detail", args=[value])
    with pytest.raises(NoReverseMatch):
        link_maker("cases:detail")(value)


@pytest.mark.parametrize("value", [-1, "12", 1.5, True])
def test_an_odd_integer_goes_through_reverse(value):
    try:
        expected = reverse("assistance:complete_task", args=[value])
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            link_maker("assistance:complete_task", integer=True)(value)
    else:
        assert link_maker("assistance:complete_task", integer=True)(value) == expected


@pytest.mark.parametrize("pk", [0, 7, 918273645, -1, "12", "x"])
@pytest.mark.parametrize("action", ["approve", "reject"])
def test_fixed_arguments_before_and_after_the_row_s(pk, action):
    """The case page's rows: the case's number before the row's id, an action after; any id that is not
    a non-negative int goes through reverse (and fails as reverse fails)."""
    make = link_maker("cases:review_eligibility", "CHI-2026-000001", after=(action,), integer=True)
    try:
        expected = reverse("cases:review_eligibility", args=["CHI-2026-000001", pk, action])
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            make(pk)
        return
    assert make(pk) == expected
