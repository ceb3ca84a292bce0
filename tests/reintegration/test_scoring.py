"""The sustainability score's engine: the formula of docs/reintegration.md, on hand-computed values."""

from __future__ import annotations

from decimal import Decimal

import pytest

from ctm.reintegration.engine import scoring
from ctm.reintegration.phrases import INDICATOR_LABELS

ALL = dict.fromkeys(scoring.CODES, 3)


def test_fifteen_indicators_five_per_dimension_each_with_a_label():
    assert len(scoring.INDICATORS) == 15
    for d in scoring.DIMENSIONS:
        assert sum(1 for i in scoring.INDICATORS if i.dimension == d) == 5
    assert set(INDICATOR_LABELS) == set(scoring.CODES)


def test_all_middle_answers_score_one_half():
    s = scoring.score_visit(ALL)
    assert (s.economic, s.social, s.psychosocial, s.composite) == (Decimal("0.50"),) * 4


def test_weighted_dimension_and_composite_by_hand():
    answers = {**ALL, "income_source": 5, "economic_satisfaction": 1}  # economic: 1, 0, .5, .5, .5
    weights = scoring.default_weights()
    weights.indicators["income_source"] = Decimal(3)  # (3·1 + 0 + .5·3) / 7 = 4.5/7 = 0.642…
    weights.dimensions["economic"] = Decimal(2)  # (2·0.64 + .5 + .5) / 4 = 0.57
    s = scoring.score_visit(answers, weights)
    assert s.economic == Decimal("0.64")
    assert s.composite == Decimal("0.57")


def test_a_dimension_with_fewer_than_three_answers_has_no_score_and_no_composite():
    answers = {k: v for k, v in ALL.items() if k not in ("income_source", "debt", "borrowing")}
    s = scoring.score_visit(answers)
    assert s.economic is None and s.composite is None and s.social == Decimal("0.50")


@pytest.mark.parametrize("bad", [{"income_source": 0}, {"income_source": 6}, {"nope": 3}, {"debt": True}, {"debt": "4"}])
def test_answers_out_of_the_scale_are_refused(bad):
    with pytest.raises(ValueError):
        scoring.score_visit({**ALL, **bad})


def test_weights_are_checked():
    w = scoring.default_weights()
    for code in ("income_source", "economic_satisfaction", "food_security", "debt", "borrowing"):
        w.indicators[code] = Decimal(0)
    assert "economic" in scoring.validate_weights(w)
    w2 = scoring.default_weights()
    w2.dimensions["social"] = Decimal(101)
    assert "social" in scoring.validate_weights(w2)


def test_weights_round_trip_through_json():
    w = scoring.default_weights()
    w.indicators["debt"] = Decimal("2.5")
    assert scoring.Weights.from_json(w.as_json()) == w
