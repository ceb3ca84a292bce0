"""The inbox of an organization: referrals received and sent, with the overdue ones."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from ctm.referrals.domain.queries.access import received_referrals, sent_referrals
from ctm.referrals.enums import ReferralState
from ctm.referrals.models import Referral


def is_overdue(referral: Referral, today: datetime.date | None = None) -> bool:
    """Sent and not answered by its due date (N days, the receiving organization's setting)."""
    return referral.state == ReferralState.SENT and referral.answer_due_on < (today or timezone.localdate())


def inbox(membership: Any, *, box: str = "received", overdue_only: bool = False) -> list[Referral]:
    rows = sent_referrals(membership) if box == "sent" else received_referrals(membership)
    today = timezone.localdate()
    for row in rows:
        row.overdue = is_overdue(row, today)  # type: ignore[attr-defined]
    return [r for r in rows if r.overdue] if overdue_only else rows  # type: ignore[attr-defined]


def inbox_counts(membership: Any) -> dict[str, int]:
    received, sent = inbox(membership), inbox(membership, box="sent")
    return {
        "received": len(received),
        "received_overdue": sum(r.overdue for r in received),  # type: ignore[attr-defined]
        "sent": len(sent),
        "sent_overdue": sum(r.overdue for r in sent),  # type: ignore[attr-defined]
    }
