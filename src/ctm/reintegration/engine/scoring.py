"""A reintegration sustainability score in the spirit of IOM's Reintegration Sustainability Survey
(RSS, IOM / Samuel Hall, MEASURE project, 2017): 15 indicators in three dimensions — economic, social,
psychosocial — each answered on a scale of 1 (worst) to 5 (best).

    indicator score  s_i = (answer_i − 1) / 4                          in [0, 1]
    dimension score  D_d = Σ w_i·s_i / Σ w_i   over the answered indicators of d
                     (None when fewer than MIN_ANSWERED of its indicators are answered)
    composite        C   = Σ W_d·D_d / Σ W_d   over the dimensions that have a score
                     (None when a dimension has none: a partial visit has no composite)

w_i (indicator weights) and W_d (dimension weights) are an organization's settings; by default every
weight is 1, as the RSS's own composite gives the three dimensions equal weight. The RSS derives its
indicator weights by principal component analysis on its survey population; an organization that has
run that analysis on its own data enters the weights it found. No Django here: data in, data out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

ECONOMIC, SOCIAL, PSYCHOSOCIAL = "economic", "social", "psychosocial"
DIMENSIONS = (ECONOMIC, SOCIAL, PSYCHOSOCIAL)
SCALE = (1, 5)
MIN_ANSWERED = 3  # of a dimension's 5 indicators
MAX_WEIGHT = 100


@dataclass(frozen=True)
class Indicator:
    code: str
    dimension: str


INDICATORS: tuple[Indicator, ...] = (
    # economic: can the person meet their needs without leaving again?
    Indicator("income_source", ECONOMIC),  # a regular source of income (work, business)
    Indicator("economic_satisfaction", ECONOMIC),  # satisfied with their economic situation
    Indicator("food_security", ECONOMIC),  # rarely or never reduces meals for lack of money
    Indicator("debt", ECONOMIC),  # debt is manageable (debt-to-spending)
    Indicator("borrowing", ECONOMIC),  # could borrow money if needed
    # social: access to the services and rights a stay at home rests on
    Indicator("housing", SOCIAL),  # adequate housing
    Indicator("healthcare", SOCIAL),  # access to health care
    Indicator("education", SOCIAL),  # access to education or training (the person's, their children's)
    Indicator("documents", SOCIAL),  # identity and civil documents
    Indicator("justice", SOCIAL),  # access to justice and to the police when needed
    # psychosocial: belonging, safety, wellbeing
    Indicator("support_network", PSYCHOSOCIAL),  # people to turn to
    Indicator("participation", PSYCHOSOCIAL),  # takes part in community life
    Indicator("discrimination", PSYCHOSOCIAL),  # free from discrimination and stigma
    Indicator("wellbeing", PSYCHOSOCIAL),  # rarely feels distress (anxiety, sadness, anger)
    Indicator("wish_to_stay", PSYCHOSOCIAL),  # feels able to stay (no need to migrate again)
)
CODES = tuple(i.code for i in INDICATORS)
BY_CODE = {i.code: i for i in INDICATORS}
PLACE = Decimal("0.01")


@dataclass(frozen=True)
class Weights:
    indicators: dict[str, Decimal]
    dimensions: dict[str, Decimal]

    def as_json(self) -> dict[str, Any]:
        return {
            "indicators": {k: str(v) for k, v in self.indicators.items()},
            "dimensions": {k: str(v) for k, v in self.dimensions.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Weights:
        base = default_weights()
        if not data:
            return base
        return cls(
            {c: Decimal(str(data.get("indicators", {}).get(c, base.indicators[c]))) for c in CODES},
            {d: Decimal(str(data.get("dimensions", {}).get(d, base.dimensions[d]))) for d in DIMENSIONS},
        )


@dataclass(frozen=True)
class Score:
    economic: Decimal | None
    social: Decimal | None
    psychosocial: Decimal | None
    composite: Decimal | None

    def by_dimension(self) -> dict[str, Decimal | None]:
        return {ECONOMIC: self.economic, SOCIAL: self.social, PSYCHOSOCIAL: self.psychosocial}


def default_weights() -> Weights:
    return Weights(dict.fromkeys(CODES, Decimal(1)), dict.fromkeys(DIMENSIONS, Decimal(1)))


def validate_weights(weights: Weights) -> dict[str, str]:
    """Field → problem: each weight from 0 to MAX_WEIGHT, and each dimension keeps a positive weight."""
    errors: dict[str, str] = {}
    for code, w in {**weights.indicators, **weights.dimensions}.items():
        if not Decimal(0) <= w <= MAX_WEIGHT:
            errors[code] = f"from 0 to {MAX_WEIGHT}"
    for d in DIMENSIONS:
        if sum(weights.indicators[i.code] for i in INDICATORS if i.dimension == d) <= 0:
            errors.setdefault(d, "at least one indicator of the dimension needs a weight above 0")
    if sum(weights.dimensions.values()) <= 0:
        errors.setdefault("dimensions", "at least one dimension needs a weight above 0")
    return errors


def validate_answers(answers: dict[str, int]) -> dict[str, str]:
    low, high = SCALE
    errors = {code: "unknown indicator" for code in answers if code not in BY_CODE}
    for code, value in answers.items():
        if code in BY_CODE and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
            errors[code] = f"an answer from {low} to {high}"
    return errors


def _weighted(pairs: list[tuple[Decimal, Decimal]]) -> Decimal | None:
    total = sum((w for w, _ in pairs), Decimal(0))
    if total <= 0:
        return None
    return (sum((w * s for w, s in pairs), Decimal(0)) / total).quantize(PLACE, rounding=ROUND_HALF_UP)


def score_visit(answers: dict[str, int], weights: Weights | None = None) -> Score:
    """The dimension and composite scores (0.00–1.00) of one visit's answers (indicator → 1..5)."""
    if errors := validate_answers(answers):
        raise ValueError(errors)
    w = weights or default_weights()
    low, high = SCALE
    dims: dict[str, Decimal | None] = {}
    for d in DIMENSIONS:
        answered = [(w.indicators[c], Decimal(v - low) / (high - low)) for c, v in answers.items() if BY_CODE[c].dimension == d]
        weighted = [(wi, s) for wi, s in answered if wi > 0]
        dims[d] = _weighted(weighted) if len(answered) >= MIN_ANSWERED else None
    scored = [(w.dimensions[d], v) for d, v in dims.items() if v is not None]
    composite = _weighted(scored) if len(scored) == len(DIMENSIONS) else None
    return Score(dims[ECONOMIC], dims[SOCIAL], dims[PSYCHOSOCIAL], composite)
