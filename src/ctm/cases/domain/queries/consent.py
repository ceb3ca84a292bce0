"""The one function that answers "may this be done for this case now?" from the consent records."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from ctm.cases.enums import ConsentScope
from ctm.cases.models import Consent


def active_consents(case: Any, scope: str, on: datetime.date | None = None) -> list[Consent]:
    day = on or timezone.localdate()
    consents = Consent.objects.filter(case=case, scope=scope, given_on__lte=day)
    return [c for c in consents if c.withdrawn_on is None or c.withdrawn_on > day]


def may(
    case: Any, scope: str, *, organization: Any = None, contact: str = "", on: datetime.date | None = None
) -> bool:
    """True when a consent for `scope` was given on or before `on` (default today) and not withdrawn by then.

    A referral consent counts only for the organization it names: one in CTM (`organization`) or an
    outside one by its contact-directory entry (`contact`, "s12"). A withdrawal takes effect on
    everything done from its date on. A minor's consent counts only if given with a guardian.
    """
    consents = active_consents(case, scope, on)
    if scope == ConsentScope.REFERRAL:
        org_id = getattr(organization, "pk", organization)
        if contact:
            consents = [c for c in consents if c.referral_contact == contact and not c.referral_organization_id]
        else:
            consents = [c for c in consents if org_id is not None and c.referral_organization_id == org_id]
    if case.is_minor:
        consents = [c for c in consents if c.given_by == "guardian"]
    return bool(consents)
