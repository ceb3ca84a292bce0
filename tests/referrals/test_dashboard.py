"""The referrals and returns panels of the manager views: each organization counts its own referrals
sent and received (the receiver sees the one it received, not the sender's), and its returns by state."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from tests.referrals.objects import referral_objects
from tests.reintegration.objects import arrived

pytestmark = pytest.mark.django_db


def _panel(client, key):
    response = client.get(reverse("core:dashboard_csv", args=[key]))
    assert response.status_code == 200, response.content[:500]
    return {row[0]: row[1:] for row in csv.reader(io.StringIO(response.content.decode()))}


def test_referrals_sent_and_received_are_counted_on_each_side(client, personas):
    referral_objects(personas)  # two referrals from home to the outsider's organization: one sent, one accepted
    client.force_login(personas.case_manager.user)
    home = _panel(client, "referrals.states")
    assert home["State"] == ["Sent", "Received"]
    assert home["Sent"] == ["1", "0"] and home["Accepted"] == ["1", "0"]
    client.force_login(personas.outsider.user)
    other = _panel(client, "referrals.states")
    assert other["Sent"] == ["0", "1"] and other["Accepted"] == ["0", "1"]
    page = client.get(reverse("core:dashboard")).content.decode()
    assert "Referrals sent and received, and overdue" in page
    assert client.get(reverse("core:dashboard_chart", args=["referrals.states"]))["Content-Type"] == "image/png"


def test_returns_are_counted_by_state_for_their_organization_only(client, personas):
    arrived(personas)  # the home case's return: approved, travelled, arrived
    client.force_login(personas.case_manager.user)
    rows = _panel(client, "reintegration.returns")
    assert rows["Voluntary return"][rows["Durable solution"].index("Arrived")] == "1"
    client.force_login(personas.outsider.user)
    assert _panel(client, "reintegration.returns")["Voluntary return"] == ["0", "0", "0", "0"]
