"""Charts drawn on the server with matplotlib (no JavaScript, no outside service): PNG bytes, or
base64 for a `data:` URL. The linkage reports draw theirs with the same helpers; the manager views
draw their bars with `bars_png`. Each chart stands beside a table of the same numbers."""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence

from matplotlib.figure import Figure  # figures without pyplot: no GUI backend, safe in threads

INK = "#1f3a5f"
ACCENT = "#c62828"
# Colour-blind-safe series colours (Okabe & Ito), ink first.
PALETTE = ("#1f3a5f", "#e69f00", "#56b4e9", "#009e73", "#d55e00", "#cc79a7", "#0072b2", "#f0e442", "#999999")


def png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return buffer.getvalue()


def data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode("ascii")


def bars_png(
    categories: Sequence[str],
    series: dict[str, Sequence[float]],
    *,
    horizontal: bool = False,
    value_label: str = "",
) -> bytes:
    """Stacked bars: one bar per category, one coloured part per series, with a legend when there
    are several series. Sized for a phone's width (it scales down in the page)."""
    n = max(len(categories), 1)
    size = (6.4, max(2.2, 0.32 * n + 1.0)) if horizontal else (max(4.0, min(0.45 * n + 2.0, 9.0)), 3.2)
    fig = Figure(figsize=size)
    ax = fig.add_subplot()
    positions = list(range(len(categories)))
    base = [0.0] * len(categories)
    for k, (label, values) in enumerate(series.items()):
        values = [float(v) for v in values]
        colour = PALETTE[k % len(PALETTE)]
        if horizontal:
            ax.barh(positions, values, left=base, color=colour, label=label)
        else:
            ax.bar(positions, values, bottom=base, color=colour, label=label)
        base = [b + v for b, v in zip(base, values, strict=True)]
    if horizontal:
        ax.set_yticks(positions, list(categories), fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(value_label)
    else:
        ax.set_xticks(
            positions,
            list(categories),
            fontsize=8,
            rotation=45 if n > 6 else 0,
            ha="right" if n > 6 else "center",
        )
        ax.set_ylabel(value_label)
    ax.spines[["top", "right"]].set_visible(False)
    if len(series) > 1:
        ax.legend(fontsize=7, frameon=False, loc="best")
    if not categories:
        ax.set_axis_off()
    return png(fig)
