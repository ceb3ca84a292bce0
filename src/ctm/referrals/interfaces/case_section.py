"""The referrals of a case on its page, for the organization that owns it (no free text, so no read to
log; the referral's page, behind its door, shows the rest), declared in the register's section registry
(`ctm.cases.interfaces.sections`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from ctm.cases.interfaces.sections import Section, register_section
from ctm.core.links import link_maker
from ctm.referrals.models import Referral


def _context(membership: Any, case: Any) -> dict[str, Any]:
    own = membership.organization_id == case.organization_id
    rows = Referral.objects.filter(case=case).select_related("to_organization").order_by("-sent_at", "-id")
    referrals = list(rows) if own else []
    if referrals:  # each row's link from one reversal (`link_maker`), not one `{% url %}` per row
        link = link_maker("referrals:detail", integer=True)
        for r in referrals:
            r.link = link(r.pk)
    return {"referrals": referrals, "referrals_own": own}


def register() -> None:
    register_section(Section("referrals", _("Referrals"), "referrals/_case_panel.html", 37, context=_context))
