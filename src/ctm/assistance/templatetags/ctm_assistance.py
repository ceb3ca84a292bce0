"""The assistance summary on the case page (risk, what changed, plan, services): no free text, so no
read to log; the assistance page, behind the same door, shows the rest."""

from __future__ import annotations

from typing import Any

from django import template

from ctm.assistance.domain.queries.case_assistance import case_summary

register = template.Library()


@register.inclusion_tag("assistance/_case_panel.html")
def assistance_panel(case: Any) -> dict[str, Any]:
    return {"case": case, "assistance": case_summary(case)}
