"""The referrals of a case on its page (for the organization that owns it): no free text, so no read
to log; the referral's page, behind its door, shows the rest."""

from __future__ import annotations

from typing import Any

from django import template

from ctm.referrals.models import Referral

register = template.Library()


@register.inclusion_tag("referrals/_case_panel.html", takes_context=True)
def referrals_panel(context: Any, case: Any) -> dict[str, Any]:
    membership = context.get("membership")
    own = membership is not None and membership.organization_id == case.organization_id
    rows = (
        list(Referral.objects.filter(case=case).select_related("to_organization").order_by("-sent_at", "-id"))
        if own
        else []
    )
    return {"case": case, "referrals": rows, "own": own}
