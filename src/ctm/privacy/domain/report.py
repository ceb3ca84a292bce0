"""The risk and utility report of a release: measures in plain words, the 2-way TVD heat map, HTML, PDF.

The same sections feed the preview page, the published HTML report and the PDF. Charts are drawn
with matplotlib figures (no pyplot: safe in threads), as PNG bytes or a data: URL (no JavaScript).
"""

from __future__ import annotations

import base64
import io
import math
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from matplotlib.figure import Figure

from ctm.core.pdf import html_to_pdf
from ctm.privacy.enums import SYNTHESIS_METHODS, ReleaseMethod
from ctm.privacy.models import Release

Rows = list[tuple[str, str]]
DOMAIN_SOURCES = {  # lazy: read in the reader's language, not the language of the first import
    "CTDC codebook": gettext_lazy("the CTDC codebook"),
    "domain file": gettext_lazy("the domain file uploaded with the release"),
    "as recorded": gettext_lazy("the values as recorded"),
}
HIERARCHY_KINDS = {  # the engine's kinds of generalization hierarchy (ctm.privacy.engine.hierarchies)
    "flag": gettext_lazy("yes/no"),
    "age": gettext_lazy("age"),
    "year": gettext_lazy("year"),
    "country": gettext_lazy("country"),
    "categorical": gettext_lazy("categories"),
    "custom": gettext_lazy("custom hierarchy"),
}
RULES = {
    "derived_majority": gettext_lazy("majority status follows the age band"),
    "minor_stays_minor": gettext_lazy("a minor at registration was a minor when exploited"),
    "list_flags": gettext_lazy("the flags agree with the list %(column)s"),
}


def rule_text(code: str) -> str:
    name, _sep, column = code.partition(":")
    text = RULES.get(name)
    return code if text is None else str(text) % {"column": column} if column else str(text)


def num(value: Any, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def pct(value: Any) -> str:
    return "—" if value is None else f"{100 * float(value):.1f} %"


def parameter_rows(parameters: dict[str, Any], keep_empty: bool = False) -> Rows:
    """The parameters under their option names, as in the manifest (lists comma-separated)."""
    out = []
    for key, value in parameters.items():
        if value is None or value == [] or value == "":
            if keep_empty:
                out.append((key, "—"))
            continue
        out.append((key, ", ".join(map(str, value)) if isinstance(value, list) else str(value)))
    return out


def _risk_rows(report: dict[str, Any], when: str, title: str) -> Rows:
    risk = report.get(when) or {}
    prosecutor, journalist = risk.get("prosecutor") or {}, risk.get("journalist") or {}
    uniques = risk.get("special_uniques") or {}
    threshold = num(risk.get("threshold"), 2)
    return [
        (_("%(when)s: prosecutor risk, average / highest") % {"when": title},
         f"{num(prosecutor.get('average'))} / {num(prosecutor.get('highest'))}"),
        (_("%(when)s: records with prosecutor risk above %(t)s") % {"when": title, "t": threshold},
         pct(prosecutor.get("share_above_threshold"))),
        (_("%(when)s: journalist risk, average / highest") % {"when": title},
         f"{num(journalist.get('average'))} / {num(journalist.get('highest'))}"),
        (_("%(when)s: marketer risk (expected share re-identified)") % {"when": title},
         num((risk.get("marketer") or {}).get("average"))),
        (_("%(when)s: records with a special unique (SUDA)") % {"when": title},
         num(uniques.get("records_with_msu"))),
    ]  # fmt: skip


def domain_rows(report: dict[str, Any]) -> Rows:
    """Where the public domain was declared and how many values fell outside it (mapped to unknown)."""
    domain = report.get("public_domain") or {}
    mapped = {c: n for c, n in (domain.get("out_of_domain") or {}).items() if n}
    source = domain.get("source") or "—"
    rows = [
        (_("Domain of the values declared in"), DOMAIN_SOURCES.get(source, source)),
        (_("Values outside the domain, counted as unknown"), num(domain.get("out_of_domain_total"))),
    ]
    rows += [(f"— {column}", num(n)) for column, n in mapped.items()]
    return rows


def constraint_rows(report: dict[str, Any]) -> Rows:
    constraints = report.get("constraints") or {}
    rows = [(_("Impossible records (constraint violations; goal 0)"), num(constraints.get("violations_total")))]
    rows += [(f"— {rule_text(rule)}", num(n)) for rule, n in (constraints.get("violations") or {}).items()]
    if "rows_derived" in constraints:
        rows.append((_("Records whose derived columns were set after synthesis"), num(constraints["rows_derived"])))
    return rows


def kanon_sections(report: dict[str, Any], *, public: bool = False) -> list[dict[str, Any]]:
    """A k-anonymous release's report; ``public``: only the figures anyone can recompute from the published
    table and parameters (``public_kanon_sections``)."""
    if public:
        return public_kanon_sections(report)
    privacy, loss = report.get("privacy") or {}, report.get("information_loss") or {}
    information = [
        (_("Non-uniform entropy (share of the loss of suppressing everything)"),
         num(loss.get("non_uniform_entropy_normalized"))),
        (_("Generalization intensity (0 = as recorded, 1 = everything *)"),
         num(loss.get("generalization_intensity"))),
        (_("Discernibility (normalized)"), num(loss.get("discernibility_normalized"))),
    ]  # fmt: skip
    risk = _risk_rows(report, "risk_before", _("Before")) + _risk_rows(report, "risk_after", _("After"))
    return [
        {"title": _("Protection"), "rows": _protection_rows(privacy)},
        {"title": _("Re-identification risk"), "rows": risk},
        {"title": _("Information loss"), "rows": information},
        {"title": _("Utility: distance of each column's values"), "rows": kanon_tvd_rows(report)},
        {"title": _("Generalization of each quasi-identifier"), "rows": _level_rows(report)},
        {"title": _("Public domain and consistency"), "rows": domain_rows(report) + constraint_rows(report)},
    ]


def kanon_tvd_rows(report: dict[str, Any]) -> Rows:
    """Per released column, the total variation distance between the real values and the ones read back from
    the release (generalized labels spread over the values they cover, suppressed records over all)."""
    utility = report.get("utility") or {}
    summary = utility.get("tvd_1way") or {}
    if not summary:
        return []
    rows = [(_("Marginals of single columns: mean / max total variation distance (0 = kept, 1 = lost)"),
             f"{num(summary.get('mean'))} / {num(summary.get('max'))}")]  # fmt: skip
    rows += [(f"— {column}", num(tvd)) for column, tvd in (utility.get("tvd_1way_by_column") or {}).items()]
    return rows


def _protection_rows(privacy: dict[str, Any]) -> Rows:
    rows = [
        (_("Achieved k (smallest group sharing the quasi-identifiers)"), num(privacy.get("k_achieved"))),
        (_("Records suppressed"),
         f"{num(privacy.get('records_suppressed'))} ({pct(privacy.get('share_suppressed'))})"),
        (_("Groups (equivalence classes)"), num(privacy.get("equivalence_classes"))),
    ]  # fmt: skip
    if "l_distinct_achieved" in privacy:
        rows += [
            (_("Achieved l (distinct sensitive values per group)"), num(privacy.get("l_distinct_achieved"))),
            (_("Achieved l (entropy)"), num(privacy.get("l_entropy_achieved"), 2)),
            (_("Achieved t (largest distance of a group to the whole)"), num(privacy.get("t_achieved"))),
        ]
    return rows


def _kind(code: str) -> str:
    return str(HIERARCHY_KINDS.get(code, code))


def _level_rows(report: dict[str, Any]) -> Rows:
    hierarchies = report.get("hierarchies") or {}
    return [
        (column, _("level %(level)s of %(height)s (%(kind)s)")
         % {"level": level, "height": (hierarchies.get(column) or {}).get("height", 1) - 1,
            "kind": _kind((hierarchies.get(column) or {}).get("kind", ""))})
        for column, level in (report.get("levels") or {}).items()
    ]  # fmt: skip


def public_kanon_sections(report: dict[str, Any]) -> list[dict[str, Any]]:
    """A published k-anonymous release's report: what anyone can recompute from the published table and
    parameters (k, l and t achieved, the groups, the records whose quasi-identifiers were suppressed, the
    risk of the released table, each column's level, how general the release is, its consistency). The
    measures that need the real records (the risk before, the distances of the marginals to the real
    values, the non-uniform entropy, the values outside the domain) stay with the reviewers: k-anonymity
    protects the released rows, not figures about the records as they were."""
    privacy, loss = report.get("privacy") or {}, report.get("information_loss") or {}
    information = [
        (_("Generalization intensity (0 = as recorded, 1 = everything *)"),
         num(loss.get("generalization_intensity"))),
        (_("Discernibility (normalized)"), num(loss.get("discernibility_normalized"))),
    ]  # fmt: skip
    withheld = [(
        _("Measures computed on the real records"),
        _("Reviewed by the organization before approval and not published: the risk before anonymization, the "
          "distance of each column's values to the real ones and the values outside the domain are computed on "
          "the real records, which the release does not contain."),
    )]  # fmt: skip
    return [
        {"title": _("Protection"), "rows": _protection_rows(privacy)},
        {"title": _("Re-identification risk"), "rows": _risk_rows(report, "risk_after", _("After"))},
        {"title": _("Information loss"), "rows": information},
        {"title": _("Generalization of each quasi-identifier"), "rows": _level_rows(report)},
        {"title": _("Public domain and consistency"), "rows": constraint_rows(report)},
        {"title": _("Utility"), "rows": withheld},
    ]


def synthetic_sections(report: dict[str, Any], *, public: bool = False) -> list[dict[str, Any]]:
    """The report's sections; ``public``: only what the DP mechanism released (its parameters, the public
    domain, the synthetic table's own consistency), never a figure computed on the real records."""
    if public:
        return public_synthetic_sections(report)
    utility = report.get("utility") or {}
    tvd = [
        (_("%(n)s-way marginals: mean / max total variation distance") % {"n": n},
         f"{num((utility.get(f'tvd_{n}way') or {}).get('mean'))} / {num((utility.get(f'tvd_{n}way') or {}).get('max'))}")
        for n in (1, 2, 3) if f"tvd_{n}way" in utility
    ]  # fmt: skip
    combos = []
    for n in (2, 3):
        c = utility.get(f"combinations_{n}way")
        if c:
            combos += [
                (_("%(n)s-way: rare real combinations lost") % {"n": n},
                 f"{num(c.get('rare_lost'))} / {num(c.get('rare_real'))} ({pct(c.get('rare_lost_share'))})"),
                (_("%(n)s-way: combinations fabricated (absent from the real data)") % {"n": n},
                 num(c.get("fabricated"))),
            ]  # fmt: skip
    privacy = [
        (_("Epsilon spent"), num(report.get("epsilon"), 2)),
        (_("Delta"), f"{report.get('delta', 0):.2e}" if report.get("delta") is not None else "—"),
        (_("Method"), str(SYNTHESIS_METHODS.get(report.get("method", ""), report.get("method", "")))),
        (_("Synthetic rows identical to a real row"), pct(utility.get("identical_row_share"))),
    ]
    exact = utility.get("exact_match") or {}
    if exact:
        privacy.append((
            _("Exact matches with one half of the real rows: synthetic / the other real half"),
            f"{pct(exact.get('synthetic'))} / {pct(exact.get('held_out_real'))}",
        ))
    return [
        {"title": _("Privacy"), "rows": privacy},
        {"title": _("Public domain and consistency"), "rows": domain_rows(report) + constraint_rows(report)},
        {"title": _("Utility: distance of the marginals"), "rows": tvd},
        {"title": _("Rare and fabricated combinations"), "rows": combos},
    ]


def public_synthetic_sections(report: dict[str, Any]) -> list[dict[str, Any]]:
    """A published synthetic release's report. The utility measures (marginal distances, rare and fabricated
    combinations, exact matches with real rows, values outside the domain) compare the synthetic records
    with the real ones without noise: published, they would disclose facts about real people that the
    (epsilon, delta) guarantee does not cover (one value outside the domain says one person holds it).
    The organization's reviewers see them before approval; the public sees this."""
    domain = report.get("public_domain") or {}
    source = domain.get("source") or "—"
    privacy = [
        (_("Epsilon spent"), num(report.get("epsilon"), 2)),
        (_("Delta"), f"{report.get('delta', 0):.2e}" if report.get("delta") is not None else "—"),
        (_("Method"), str(SYNTHESIS_METHODS.get(report.get("method", ""), report.get("method", "")))),
        (_("Domain of the values declared in"), DOMAIN_SOURCES.get(source, source)),
    ]
    withheld = [(
        _("Measures computed on the real records"),
        _("Reviewed by the organization before approval and not published: they are computed on the real "
          "records without noise, so publishing them would disclose facts that the privacy guarantee does not "
          "cover."),
    )]  # fmt: skip
    return [
        {"title": _("Privacy"), "rows": privacy},
        {"title": _("Public domain and consistency"), "rows": constraint_rows(report)},
        {"title": _("Utility"), "rows": withheld},
    ]


def sections(release: Release, *, public: bool = False) -> list[dict[str, Any]]:
    if not release.report:
        return []
    if release.method == ReleaseMethod.SYNTHETIC:
        return synthetic_sections(release.report, public=public)
    return kanon_sections(release.report, public=public)


def heatmap_figure(matrix: dict[str, Any], title: str = "") -> Figure | None:
    """Heat map of the 2-way TVD per column pair (1-way on the diagonal)."""
    columns, values = matrix.get("columns") or [], matrix.get("values") or []
    if not columns:
        return None
    size = max(4.0, 0.55 * len(columns) + 2.5)
    fig = Figure(figsize=(size, size * 0.85))
    ax = fig.add_subplot()
    top = max((max(row) for row in values), default=0.0)
    image = ax.imshow(values, cmap="viridis", vmin=0.0, vmax=max(float(top), 1e-9))
    ax.set_xticks(range(len(columns)), columns, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(columns)), columns, fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    fig.colorbar(image, ax=ax, label=_("total variation distance"))
    fig.tight_layout()
    return fig


def heatmap_data_url(release: Release) -> str:
    fig = heatmap_figure((release.report.get("utility") or {}).get("tvd_2way_matrix") or {})
    if fig is None:
        return ""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def context(release: Release, *, public: bool = False) -> dict[str, Any]:
    """What the report shows: to the organization's reviewers everything, to the public (``public``) only
    what the release's privacy guarantee covers."""
    return {
        "release": release,
        "parameters": parameter_rows(release.parameters),
        "sections": sections(release, public=public),
        "heatmap": heatmap_data_url(release) if release.is_synthetic and not public else "",
    }


def html_report(release: Release, extra: dict[str, Any]) -> str:
    """The published report (HTML; the PDF is drawn from it)."""
    return render_to_string("privacy/report.html", {**context(release, public=True), **extra})


def pdf_report(release: Release, extra: dict[str, Any]) -> bytes:
    """The release's report as a PDF: the same HTML as the published report, laid out on A4."""
    title = _("Risk and utility report: %(label)s") % {"label": release.title}
    return html_to_pdf(html_report(release, extra), title=title)
