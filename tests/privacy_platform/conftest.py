"""Clients of the release pages: the home organization's data manager and auditor, anonymous."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def dm(client, personas):
    client.force_login(personas.data_manager.user)
    return client


@pytest.fixture
def auditor(personas):
    other = Client()
    other.force_login(personas.auditor.user)
    return other


@pytest.fixture
def anonymous():
    return Client()
