"""The reintegration sustainability score: plain Python, no Django (see docs/reintegration.md)."""

from ctm.reintegration.engine.scoring import (
    DIMENSIONS,
    INDICATORS,
    Indicator,
    Score,
    Weights,
    default_weights,
    score_visit,
    validate_weights,
)

__all__ = [
    "DIMENSIONS",
    "INDICATORS",
    "Indicator",
    "Score",
    "Weights",
    "default_weights",
    "score_visit",
    "validate_weights",
]
