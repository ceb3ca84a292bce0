"""The return and reintegration section of the case page (no free text, so no read to log), declared in
the register's section registry (`ctm.cases.interfaces.sections`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ctm.cases.interfaces.sections import Section, register_section
from ctm.reintegration.domain.queries.case_reintegration import case_summary


def _context(membership: Any, case: Any) -> dict[str, Any]:
    return {"reintegration": case_summary(case)}


def register() -> None:
    register_section(
        Section("reintegration", _("Return and reintegration"), "reintegration/_panel.html", 35, context=_context)
    )
