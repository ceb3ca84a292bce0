"""What an estimate page and its reports show: figures, plain-words explanations, HTML and PDF files."""

from __future__ import annotations

import math
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.core.pdf import html_to_pdf
from ctm.linkage.enums import METHOD_LABELS
from ctm.linkage.interfaces import charts
from ctm.linkage.models import Estimate
from ctm.linkage.phrases import linkage_check_text

INTERVAL_KEYS = ("model_based", "profile_likelihood", "bca_bootstrap")


def interval_label(key: str) -> str:
    return {
        "model_based": _("Model-based"),
        "profile_likelihood": _("Profile likelihood"),
        "bca_bootstrap": _("Bootstrap (BCa)"),
    }.get(key, key)


def fmt(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return _("infinite")
    return f"{value:,.0f}"


def method_explanation(method: str) -> str:
    return {
        "stepwise": _(
            "The model starts with each list on its own. It then looks at every pair of lists: if two lists share many more (or many fewer) people than the model expects, the pair is linked in the model. The pair least likely to be a coincidence is added first, and only while that chance is below the threshold. This is the method of SparseMSE (Chan, Silverman and Vincent, 2021)."
        ),
        "aic": _(
            "The model starts with each list on its own and adds, one at a time, the pair of lists whose link improves the fit most by the Akaike information criterion, stopping when the improvement is no longer significant. This is how the UK 2014 estimate was made (Rcapture)."
        ),
        "bic": _(
            "Every hierarchical model with interactions up to the chosen order is fitted, and the one with the lowest Bayesian information criterion is kept: the criterion rewards fit and penalises complexity."
        ),
        "main": _(
            "The model assumes that being on one list says nothing about being on another (the lists are independent). It is the simplest model and is usually too optimistic."
        ),
    }.get(method, "")


def plain_words() -> list[str]:
    return [
        _(
            "Several organizations each keep a list of the victims they met. Some people appear on more than one list. How often the lists share people tells how likely a person is to be missed by each of them."
        ),
        _(
            "Multiple systems estimation counts the people on each combination of lists, fits a statistical model (a Poisson log-linear model) to those counts, and uses it to estimate how many people are on none of the lists. The estimate is the number observed plus that number unseen."
        ),
        _(
            "The estimate is only as good as its assumptions: the lists cover the same population and period; the same person is recognised across lists (missed links make the estimate too high, false links too low); and the chosen model describes how the lists depend on each other. An interval gives the range of values compatible with the data; a wide interval means the data say little."
        ),
        _(
            "Three intervals are shown. The model-based interval uses the model's standard error; the profile-likelihood interval follows the likelihood and is better when counts are small; the bootstrap interval (bias-corrected and accelerated) re-draws the table many times and repeats the whole model selection each time, so it also counts the uncertainty of choosing the model. When they disagree, report the widest."
        ),
    ]


def interval_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for key in INTERVAL_KEYS:
        value = (result.get("intervals") or {}).get(key)
        if key in (result.get("intervals") or {}):
            lower, upper = value or (None, None)
            rows.append(
                {
                    "key": key,
                    "label": interval_label(key),
                    "lower": lower,
                    "upper": upper,
                    "lower_text": fmt(lower),
                    "upper_text": fmt(upper),
                    "available": value is not None,
                }
            )
    return rows


def sensitivity_rows(estimate: Estimate) -> list[dict[str, Any]]:
    rows = []
    for row in estimate.sensitivity:
        rows.append(
            {
                **row,
                "label": str(METHOD_LABELS.get(row["method"], row["method"])),
                "estimate_text": fmt(row.get("estimate")) if "error" not in row else "",
                "lower_text": fmt(row.get("lower")),
                "upper_text": fmt(row.get("upper")),
                "chosen": row["method"] == estimate.parameters.get("method"),
            }
        )
    return rows


def estimate_context(estimate: Estimate) -> dict[str, Any]:
    """Everything the estimate page and the reports show (charts as data: URLs)."""
    result = estimate.result
    lists, rows = estimate.table["lists"], estimate.table["rows"]
    intervals = interval_rows(result)
    forest = [
        {"label": str(r["label"]), "estimate": result["estimate"], "lower": r["lower"], "upper": r["upper"]}
        for r in intervals
        if r["available"]
    ]
    return {
        "estimate": estimate,
        "result": result,
        "lists": lists,
        "rows": rows,
        "estimate_text": fmt(result["estimate"]),
        "lower_text": fmt(result["lower"]),
        "upper_text": fmt(result["upper"]),
        "interval_text": interval_label(str(result.get("interval", "")).replace("-", "_")),
        "unseen_text": fmt(result["estimate"] - result["observed"]),
        "level_pct": round(100 * result["level"]),
        "method_label": METHOD_LABELS.get(result["method"], result["method"]),
        "method_text": method_explanation(result["method"]),
        "linkage_warnings": [linkage_check_text(c) for c in estimate.table.get("linkage_checks", [])],
        "intervals": intervals,
        "sensitivity": sensitivity_rows(estimate),
        "plain_words": plain_words(),
        "upset": charts.data_url(charts.upset_png(lists, rows)),
        "forest": charts.data_url(charts.intervals_png(forest)) if forest else "",
    }


def html_report(estimate: Estimate) -> str:
    context = estimate_context(estimate)
    context["generated_at"] = timezone.now()
    return render_to_string("linkage/report.html", context)


def pdf_report(estimate: Estimate) -> bytes:
    """The estimate's report as a PDF: the same HTML as the downloadable report, laid out on A4."""
    title = _("Estimate of the hidden population: %(label)s") % {"label": estimate.label}
    return html_to_pdf(html_report(estimate), title=title)
