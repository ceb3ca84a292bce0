"""Fictional referrals between the three demo organizations, and to the contact directory.

Each organization refers cases to the next one (CHI → BKK → LAG → CHI): one closed with feedback,
one accepted (the receiver reads its shared parts), one waiting and overdue, one declined, and one to
an outside organization from the contact directory. Written through the domain functions (consents
first), so the tasks, notifications and activity log are real. Deterministic."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ctm.cases.demo_data import DEMO_ORGS
from ctm.cases.domain.consent import record_consent
from ctm.cases.enums import CLOSED_STATUSES, Stage
from ctm.cases.models import Case
from ctm.core.enums import Role
from ctm.core.models import Membership, Organization
from ctm.core.scopes import organization_scope
from ctm.directory.models import SharedEntry
from ctm.referrals.domain import answers, referrals
from ctm.referrals.enums import ReferralKind
from ctm.referrals.models import Referral

REASONS = (
    "Needs specialised legal representation in the country of exploitation (fictional).",
    "Safe accommodation and psychosocial support near her family (fictional).",
    "Medical follow-up that our office cannot provide (fictional).",
    "Vocational training programme run by the partner (fictional).",
    "Shelter place for a survivor at risk (fictional).",
)


def _manager(org: Organization) -> Membership:
    return (
        Membership.objects.filter(organization=org, role=Role.CASE_MANAGER, is_active=True)
        .order_by("id")
        .first()
    )  # type: ignore[return-value]


def load_demo(seed: int) -> int:
    orgs = [Organization.objects.get(code=spec.code) for spec in DEMO_ORGS]
    total = 0
    for i, org in enumerate(orgs):
        target = orgs[(i + 1) % len(orgs)]
        with transaction.atomic():
            total += _organization(org, target)
    return total


def _cases(org: Organization) -> list[Case]:
    with organization_scope(org):
        return list(
            Case.objects.filter(organization=org, is_minor=False)
            .exclude(stage=Stage.SCREENING)
            .exclude(status__in=CLOSED_STATUSES)
            .order_by("number")[:5]
        )


def _send(
    case: Case, by: Membership, *, target: Organization | None = None, entry: Any = None, n: int, kind: str = ""
) -> Referral:
    data: dict[str, Any] = {
        "kind": kind or ReferralKind.REFERRAL,
        "reason": REASONS[n % len(REASONS)],
        "services": [("legal", "psychosocial"), ("accommodation", "medical"), ("medical",)][n % 3],
        "parts": ["identity", "events", "context"] if n % 2 == 0 else ["identity", "eligibility"],
        "urgency": "urgent" if n == 4 else "routine",
    }
    consent: dict[str, Any] = {"scope": "referral", "given_on": timezone.localdate(), "given_by": "person"}
    if entry is not None:
        consent["referral_contact"] = entry.ref
        data.update(recipient_kind="directory", directory_ref=entry.ref)
    else:
        consent["referral_organization"] = target
        data.update(recipient_kind="organization", to_organization=target)
    consent.update(dict.fromkeys(("told_purpose", "told_uses", "told_withdrawal"), True))
    record_consent(case, by=by, data=consent)
    return referrals.send_referral(case, by=by, data=data)


def _organization(org: Organization, target: Organization) -> int:
    cases = _cases(org)
    if len(cases) < 5:
        return 0
    sender, receiver = _manager(org), _manager(target)
    with organization_scope(org, target):
        closed = _send(cases[0], sender, target=target, n=0)
        answers.accept_referral(closed, by=receiver)
        answers.record_delivery(closed, by=receiver, services=closed.service_list)
        answers.close_referral(
            closed, by=receiver, feedback="Services delivered; she is doing well (fictional)."
        )
        answers.accept_referral(_send(cases[1], sender, target=target, n=1), by=receiver)
        waiting = _send(cases[2], sender, target=target, n=2)
        overdue = timezone.localdate() - datetime.timedelta(days=2)  # the demo shows an overdue answer
        Referral.objects.filter(pk=waiting.pk).update(
            sent_at=timezone.now() - datetime.timedelta(days=9), answer_due_on=overdue
        )
        answers.decline_referral(
            _send(cases[3], sender, target=target, n=3),
            by=receiver,
            reason="No places until next month (fictional).",
        )
        entry = (
            SharedEntry.objects.filter(country=org.country).order_by("id").first()
            or SharedEntry.objects.order_by("id").first()
        )
        count = 4
        if entry is not None:
            _send(cases[4], sender, entry=entry, n=4)
            count += 1
        moved = _newest(org, exclude=[c.pk for c in cases])
        if moved is not None:  # the whole case handed over: closed here, opened there
            transfer = _send(moved, sender, target=target, n=5, kind=ReferralKind.TRANSFER)
            answers.accept_referral(transfer, by=receiver)
            count += 1
    return count


def _newest(org: Organization, exclude: list[int]) -> Case | None:
    """The organization's newest open case (the least work recorded on it), for the transfer."""
    with organization_scope(org):
        return (
            Case.objects.filter(organization=org, is_minor=False)
            .exclude(stage=Stage.SCREENING)
            .exclude(status__in=CLOSED_STATUSES)
            .exclude(pk__in=exclude)
            .order_by("-number")
            .first()
        )
