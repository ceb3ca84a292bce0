"""`ctm serve` refuses to start while migrations are pending."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from ctm.core.management.commands import serve


def test_no_pending_migrations_on_the_test_database(db):
    assert serve.pending_migrations() == []


def test_refuses_to_serve_with_pending_migrations(db, monkeypatch):
    monkeypatch.setattr(serve, "pending_migrations", lambda: ["cases.0099_future"])
    started = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: started.append(a))
    with pytest.raises(CommandError, match=r"cases\.0099_future"):
        call_command("serve")
    assert started == []


def test_serves_with_static_files_when_migrated(db, monkeypatch):
    calls = []
    monkeypatch.setattr(serve, "call_command", lambda *a, **k: calls.append((a, k)))
    call_command("serve", "--port", "8123")
    ((args, kwargs),) = calls
    assert args == ("runserver", "127.0.0.1:8123")
    assert kwargs["insecure_serving"] is True and kwargs["use_reloader"] is False
