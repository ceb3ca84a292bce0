"""A page read does not rewrite the session (SQLite has one writer: a write per request was the
bottleneck under load); the idle stamp is refreshed at most once a minute, and still logs out."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ctm.accounts.middleware import SESSION_LAST_SEEN, STAMP_EVERY

pytestmark = pytest.mark.django_db


def session_writes(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum(1 for q in ctx.captured_queries if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT"))


def test_reading_pages_does_not_write_the_session(client, personas, monkeypatch):
    from ctm.accounts import middleware

    monkeypatch.setattr(middleware, "STAMP_EVERY", 3600)  # a slow machine must not make this test flaky
    client.force_login(personas.caseworker.user)
    url = reverse("cases:list")
    assert [session_writes(client, url) for _ in range(3)] == [0, 0, 0]


def test_the_idle_stamp_is_refreshed_once_a_minute(client, personas):
    client.force_login(personas.caseworker.user)
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - STAMP_EVERY - 1
    session.save()
    url = reverse("cases:list")
    assert session_writes(client, url) == 1
    assert session_writes(client, url) == 0


def test_idle_timeout_still_logs_out(client, personas, settings):
    client.force_login(personas.caseworker.user)
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - settings.CTM_IDLE_TIMEOUT.total_seconds() - 5
    session.save()
    response = client.get(reverse("cases:list"))
    assert response.status_code == 302 and "timeout=1" in response["Location"]
