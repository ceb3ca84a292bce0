"""The referral page names the return a referral serves (registered in `ctm.referrals.interfaces.related`):
its kind, destination country and status — no place, no free text. The sending organization links to
the return; the receiving organization reads the line only."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from ctm.referrals.interfaces.related import Related
from ctm.reintegration.domain.receiving import serving_returns


def returns_served(membership: Any, referral: Any) -> list[Related]:
    sender = membership is not None and membership.organization_id == referral.organization_id
    out = []
    for solution in serving_returns(referral):
        label = _("%(kind)s to %(country)s · %(status)s") % {
            "kind": solution.get_kind_display(),
            "country": solution.destination_country,
            "status": solution.get_status_display(),
        }
        url = reverse("reintegration:case", args=[referral.case.number]) + "#return" if sender else ""
        out.append(Related(label, url))
    return out
