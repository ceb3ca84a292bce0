"""Labels of the 15 indicators of the sustainability score (codes in engine/scoring.py), each phrased
so that 5 is the best answer, and of the dimensions."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

DIMENSION_LABELS = {
    "economic": _("Economic"),
    "social": _("Social"),
    "psychosocial": _("Psychosocial"),
    "composite": _("Composite"),
}

INDICATOR_LABELS = {
    "income_source": _("Has a regular source of income"),
    "economic_satisfaction": _("Satisfied with their economic situation"),
    "food_security": _("Rarely or never cuts meals for lack of money"),
    "debt": _("Debt is manageable"),
    "borrowing": _("Could borrow money if needed"),
    "housing": _("Lives in adequate housing"),
    "healthcare": _("Has access to health care"),
    "education": _("Has access to education or training (own, children's)"),
    "documents": _("Has identity and civil documents"),
    "justice": _("Has access to justice and the police when needed"),
    "support_network": _("Has people to turn to for support"),
    "participation": _("Takes part in community life"),
    "discrimination": _("Free from discrimination and stigma"),
    "wellbeing": _("Rarely feels distress (anxiety, sadness, anger)"),
    "wish_to_stay": _("Feels able to stay (no need to migrate again)"),
}

ANSWERS = [
    ("", _("Not asked")),
    ("1", _("1 · not at all")),
    ("2", _("2 · a little")),
    ("3", _("3 · partly")),
    ("4", _("4 · mostly")),
    ("5", _("5 · fully")),
]
