"""/healthz and /readyz: open to a load balancer, telling it only ok/fail per check; each check fails
when what it watches is broken (database, pending migrations, keys that do not open the data, no
worker alive)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.utils import timezone

from ctm.runtime.domain.queries import health
from ctm.runtime.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    health.clear_cache()
    yield
    health.clear_cache()


def beat(seconds_ago: int = 0, stopped: bool = False) -> WorkerHeartbeat:
    when = timezone.now() - datetime.timedelta(seconds=seconds_ago)
    return WorkerHeartbeat.objects.create(
        name=f"w{WorkerHeartbeat.objects.count()}", worker_id="w/1/x", hostname="host-secret-name", pid=1,
        started_at=when, seen_at=when, stopped_at=when if stopped else None,
    )  # fmt: skip


def test_liveness_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_ready_with_a_live_worker_and_nothing_but_ok_and_fail_is_said(client, personas):
    beat()
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "keys": "ok", "worker": "ok"},
    }
    body = response.content.decode()
    for secret in ("host-secret-name", "5.2", "Django", "ctm", "Petrova", "sqlite", "postgres"):
        assert secret.lower() not in body.lower()


@pytest.mark.parametrize("seconds_ago,stopped", [(None, False), (3600, False), (0, True)])
def test_not_ready_without_a_live_worker(client, seconds_ago, stopped):
    if seconds_ago is not None:
        beat(seconds_ago, stopped)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "fail"


def test_not_ready_with_a_pending_migration(client, monkeypatch):
    beat()
    monkeypatch.setattr(health, "pending_migrations", lambda: ["cases.0099_future"])
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["checks"]["migrations"] == "fail"
    assert "0099" not in response.content.decode()  # the reason goes to the log only


def test_not_ready_when_the_keys_do_not_open_the_stored_data(client, personas, settings, caplog):
    from ctm.core import crypto

    beat()
    settings.CTM_ENCRYPTION_KEYS = f"k1:{'A' * 43}="  # the right id, the wrong key
    crypto._parse_keys.cache_clear()
    response = client.get("/readyz")
    crypto._parse_keys.cache_clear()
    assert response.status_code == 503 and response.json()["checks"]["keys"] == "fail"
    assert "do not open" in caplog.text and "Petrova" not in caplog.text


def test_not_ready_when_the_database_does_not_answer(client, monkeypatch):
    def broken():
        raise health.connection.Database.OperationalError("connection refused")

    monkeypatch.setitem(health.CHECKS, "database", (broken, False))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["checks"] == {
        "database": "fail", "migrations": "fail", "keys": "fail", "worker": "fail",
    }  # fmt: skip


def test_only_get(client):
    assert client.post("/readyz").status_code == 405 and client.post("/healthz").status_code == 405
