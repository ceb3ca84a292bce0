"""The return and reintegration summary on the case page: no free text, so no read to log."""

from __future__ import annotations

from typing import Any

from django import template

from ctm.reintegration.domain.queries.case_reintegration import case_summary

register = template.Library()


@register.inclusion_tag("reintegration/_panel.html")
def reintegration_panel(case: Any) -> dict[str, Any]:
    return {"case": case, "summary": case_summary(case)}
