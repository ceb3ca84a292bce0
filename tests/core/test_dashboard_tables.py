"""A panel's table rows are written by one tag (`ctm_core.panel_rows`), not a template loop per cell:
the same HTML as the loop it replaced, escaped and localized the same way, in a number of template
nodes that does not grow with the rows (a caseload of 400 people took the loop about 25 ms)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.template import Context, Template, base
from django.utils import translation
from django.utils.translation import gettext_lazy

from ctm.core.panels import PanelData


def _loop(data: PanelData) -> str:
    """The old loop's output, each cell's label as `data.columns|at:forloop.counter0` gave it."""
    rows = []
    for row in data.rows:
        cells = []
        for k, v in enumerate(row):
            cell = Template("{{ v }}").render(Context({"v": v}))
            if k == 0:
                cells.append(f'<th scope="row">{cell}</th>')
            else:
                label = Template("{{ c }}").render(
                    Context({"c": data.columns[k] if k < len(data.columns) else ""})
                )
                cells.append(f'<td data-label="{label}">{cell}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return "".join(rows)


def _tag(data: PanelData) -> str:
    return Template("{% load ctm_core %}{% panel_rows data.columns data.rows %}").render(
        Context({"data": data})
    )


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_rows_are_the_loops_html_escaped_and_localized(language):
    data = PanelData(
        ["Caseworker", gettext_lazy("Open cases"), 'a "quoted" <label>', "extra"],
        [
            ["<script>alert(1)</script>", 12, 0],
            [gettext_lazy("No office"), 3, 1.5, None],
            ["O'Brien & Sons", True, -4, "x", "beyond the columns"],
            [],
        ],
    )
    with translation.override(language):
        assert _tag(data) == _loop(data)
        written = _tag(data)
    assert "<script>" not in written and "&lt;script&gt;" in written
    assert (
        "O&#x27;Brien &amp; Sons" in written and 'data-label="a &quot;quoted&quot; &lt;label&gt;"' in written
    )
    assert ("1,5" if language == "fr" else "1.5") in written  # a decimal as the language writes it


def test_a_long_table_renders_in_a_few_template_nodes():
    """A panel of a 400-person caseload, as the dashboard writes it: a few dozen template nodes, not
    a few per cell (the loop rendered about 4,000 for it)."""
    from django.template.loader import render_to_string

    from ctm.core.panels import _PANELS

    panel = _PANELS["cases.caseload"]
    data = PanelData(["Caseworker", "Owned", "Assigned"], [[f"cw{i}", i, i % 3] for i in range(400)])
    item = {"panel": panel, "data": data, "query": "", "anchor": "panel-cases-caseload"}
    real = base.Node.render_annotated
    with mock.patch.object(base.Node, "render_annotated", autospec=True, side_effect=real) as rendered:
        written = render_to_string("core/_dashboard_panel.html", {"item": item})
    assert written.count("<tr>") == 401  # the header's row and 400
    assert rendered.call_count < 100, rendered.call_count
