"""The referral API: the consent rule, the shared record only while the consent holds, strict input."""

from __future__ import annotations

from typing import Any

import pytest

from ctm.core.models import ActivityLog
from tests.api.conftest import World, with_referrals

pytestmark = pytest.mark.django_db


def test_the_shared_record_ends_with_the_consent(world: World, as_: Any) -> None:
    """Attack: the receiver reads the shared record by API; the consent is withdrawn; the same token's
    next request is refused."""
    pk = with_referrals(world).ids["accepted_referral"]
    outsider = as_("outsider")
    response = outsider.get(f"/referrals/{pk}/record")
    assert response.status_code == 200
    body = response.json()
    assert body["person"]["family_name"] == "Lungu" and body["events"] is None  # identity only
    reader = ActivityLog.objects.filter(action="cases.person.viewed", organization=world.personas.org).last()
    assert reader.changes["reader_organization"] == "OUT"
    referral = outsider.get(f"/referrals/{pk}").json()
    from ctm.cases.domain.consent import withdraw_consent
    from ctm.referrals.models import Referral

    withdraw_consent(Referral.objects.get(pk=pk).consent, by=world.personas.case_manager)
    assert outsider.get(f"/referrals/{pk}/record").status_code == 403
    assert referral["state"] == "accepted"
    assert outsider.post(f"/referrals/{pk}/delivered", {"services": ["legal"]}).status_code == 422


def test_sending_without_consent_is_refused_and_the_inbox_lists_metadata_only(world: World, as_: Any) -> None:
    manager = as_("case_manager")
    body = {
        "recipient_kind": "organization",
        "to_organization": world.ids["platform_org"],
        "reason": "Needs a shelter",
        "services": ["accommodation"],
        "parts": ["identity"],
    }
    response = manager.post(f"/cases/{world.number}/referrals", body)
    assert response.status_code == 422 and "consent" in response.content.decode()
    assert (
        manager.post(f"/cases/{world.number}/referrals", {**body, "parts": ["everything"]}).status_code == 422
    )
    assert manager.post(f"/cases/{world.number}/referrals", {**body, "urgency": 1}).status_code == 422
    with_referrals(world)
    listed = as_("outsider").get("/referrals").json()
    assert {r["case"] for r in listed} >= {world.number}
    assert "reason" not in listed[0] and "Chișinău" not in str(listed)
