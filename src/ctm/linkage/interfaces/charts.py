"""The linkage charts, drawn on the server with matplotlib (core's helpers: PNG bytes, data: URLs)."""

from __future__ import annotations

import math
from typing import Any

from django.utils.translation import gettext as _
from matplotlib.figure import Figure  # figures without pyplot: no GUI backend, safe in threads

from ctm.core.charts import ACCENT, INK, data_url, png

__all__ = ["data_url", "histogram_png", "intervals_png", "upset_figure", "upset_png"]

MAX_INTERSECTIONS = 30


def upset_figure(lists: list[str], rows: list[list[int]], title: str = "") -> Figure:
    """UpSet-style chart: bars for each combination of lists (largest first), dots below say which lists."""
    combos = sorted(rows, key=lambda r: -r[-1])[:MAX_INTERSECTIONS]
    m = len(lists)
    totals = [sum(r[-1] for r in rows if r[i]) for i in range(m)]
    fig = Figure(figsize=(max(6.0, 0.35 * len(combos) + 3), 2.6 + 0.35 * m))
    grid = fig.add_gridspec(
        2, 2, height_ratios=[2.2, 0.3 * m + 0.4], width_ratios=[1, 4.5], hspace=0.05, wspace=0.3
    )
    bars, dots, sizes = fig.add_subplot(grid[0, 1]), fig.add_subplot(grid[1, 1]), fig.add_subplot(grid[1, 0])
    x = range(len(combos))
    bars.bar(x, [r[-1] for r in combos], color=INK)
    for k, r in enumerate(combos):
        bars.annotate(str(r[-1]), (k, r[-1]), ha="center", va="bottom", fontsize=7)
    bars.set_xticks([])
    bars.set_xlim(-0.6, len(combos) - 0.4)
    bars.set_ylabel(_("people"))
    bars.spines[["top", "right"]].set_visible(False)
    if title:
        bars.set_title(title, fontsize=10)
    for k, r in enumerate(combos):
        on = [i for i in range(m) if r[i]]
        dots.scatter([k] * m, range(m), color="#d0d4da", s=30, zorder=1)
        dots.scatter([k] * len(on), on, color=INK, s=34, zorder=2)
        if len(on) > 1:
            dots.plot([k, k], [min(on), max(on)], color=INK, linewidth=1.5, zorder=2)
    dots.set_xlim(-0.6, len(combos) - 0.4)
    dots.set_ylim(-0.6, m - 0.4)
    dots.set_xticks([])
    dots.set_yticks(range(m), [f"{name} ({n})" for name, n in zip(lists, totals, strict=True)], fontsize=8)
    dots.tick_params(axis="y", length=0)
    dots.invert_yaxis()
    for spine in dots.spines.values():
        spine.set_visible(False)
    sizes.barh(range(m), totals, color="#8a9bb0")
    sizes.set_ylim(-0.6, m - 0.4)
    sizes.invert_yaxis()
    sizes.invert_xaxis()
    sizes.set_yticks([])
    sizes.tick_params(axis="x", labelsize=7)
    sizes.spines[["top", "left", "right"]].set_visible(False)
    return fig


def upset_png(lists: list[str], rows: list[list[int]]) -> bytes:
    return png(upset_figure(lists, rows))


def weight_of(probability: float) -> float:
    p = min(max(probability, 1e-12), 1 - 1e-12)
    return math.log2(p / (1 - p))


def histogram_png(bins: list[dict[str, Any]], threshold: float) -> bytes:
    """Scored pairs by match weight (log scale), with the threshold as a red line."""
    fig = Figure(figsize=(7.5, 3.2))
    ax = fig.add_subplot()
    if bins:
        lefts = [b["lower"] for b in bins]
        widths = [b["upper"] - b["lower"] for b in bins]
        ax.bar(lefts, [b["count"] for b in bins], width=widths, align="edge", color=INK, edgecolor="white")
        ax.set_yscale("symlog", linthresh=1)
    w = weight_of(threshold)
    ax.axvline(w, color=ACCENT, linewidth=2)
    ax.annotate(
        _("threshold p=%(p)s (weight %(w)s)") % {"p": f"{threshold:g}", "w": f"{w:.1f}"},
        (w, 1),
        xycoords=("data", "axes fraction"),
        xytext=(4, -12),
        textcoords="offset points",
        color=ACCENT,
        fontsize=8,
    )
    ax.set_xlabel(_("match weight (log2 of the odds that two records are the same person)"))
    ax.set_ylabel(_("pairs"))
    ax.spines[["top", "right"]].set_visible(False)
    return png(fig)


def intervals_png(rows: list[dict[str, Any]]) -> bytes:
    """Forest plot: each row's estimate with its interval (label, estimate, lower, upper)."""
    usable = [r for r in rows if r.get("estimate") is not None]
    fig = Figure(figsize=(7.0, 0.5 * len(usable) + 1.2))
    ax = fig.add_subplot()
    for k, r in enumerate(usable):
        lo, hi = r.get("lower"), r.get("upper")
        if lo is not None and hi is not None:
            ax.plot([lo, hi], [k, k], color=INK, linewidth=2)
        ax.scatter([r["estimate"]], [k], color=ACCENT, zorder=3)
    ax.set_yticks(range(len(usable)), [r["label"] for r in usable], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel(_("estimated number of people"))
    ax.spines[["top", "right"]].set_visible(False)
    return png(fig)
