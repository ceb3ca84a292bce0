"""`ctm serve`: refuses pending migrations; collects the static files; gunicorn with several processes
and a worker beside it (or not, with --no-worker); `ctm runserver` stays Django's development server."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from ctm.runtime.domain.queries import health
from ctm.runtime.management.commands import serve


@pytest.fixture
def started(monkeypatch):
    calls: dict[str, list] = {"gunicorn": [], "worker": [], "stopped": [], "collectstatic": []}
    monkeypatch.setattr(serve, "run_gunicorn", lambda options: calls["gunicorn"].append(options))
    monkeypatch.setattr(serve, "start_worker", lambda: calls["worker"].append(1) or "worker")
    monkeypatch.setattr(serve, "stop_worker", lambda w: calls["stopped"].append(w))
    real = serve.call_command
    monkeypatch.setattr(serve, "call_command", lambda name, **kw: calls["collectstatic"].append(name) if name == "collectstatic" else real(name, **kw))
    return calls


def test_no_pending_migrations_on_the_test_database(db):
    assert health.pending_migrations() == []


def test_refuses_to_serve_with_pending_migrations(db, monkeypatch, started):
    monkeypatch.setattr(health, "pending_migrations", lambda: ["cases.0099_future"])
    with pytest.raises(CommandError, match=r"cases\.0099_future"):
        call_command("serve")
    assert started["gunicorn"] == [] and started["worker"] == []


def test_serves_with_gunicorn_several_processes_and_a_worker(db, started, settings):
    settings.CTM_WEB_WORKERS = 0
    call_command("serve", "--port", "8123")
    (options,) = started["gunicorn"]
    assert options["bind"] == "127.0.0.1:8123"
    assert options["workers"] >= 3 and options["preload_app"] is True
    assert "%(U)s" in options["access_log_format"] and "%(q)s" not in options["access_log_format"]
    assert "%(r)s" not in options["access_log_format"]  # the request line would carry the query string
    assert started["collectstatic"] == ["collectstatic"]
    assert started["worker"] == [1] and started["stopped"] == ["worker"]


def test_no_worker_for_a_production_installation_that_runs_it_as_a_service(db, started, settings):
    settings.CTM_WEB_WORKERS = 3
    call_command("serve", "--no-worker", "--host", "::1", "--port", "9000")
    (options,) = started["gunicorn"]
    assert options["bind"] == "[::1]:9000" and options["workers"] == 3
    assert started["worker"] == []


def test_runserver_is_djangos_development_server():
    from django.core.management import get_commands

    assert get_commands()["runserver"] in {"django.core", "django.contrib.staticfiles"}


def test_the_worker_starts_up_while_the_static_files_are_collected(db, monkeypatch, started):
    """The job worker boots (a Django process of its own) beside collectstatic, not after it: /readyz
    waits for its first heartbeat. A failed collectstatic stops it again."""
    order: list[str] = []
    monkeypatch.setattr(serve, "start_worker", lambda: order.append("worker") or "worker")

    def collect(name: str, **kw: object) -> None:
        order.append(name)
        raise CommandError("disk full")

    monkeypatch.setattr(serve, "call_command", collect)
    with pytest.raises(CommandError, match="disk full"):
        call_command("serve")
    assert order == ["worker", "collectstatic"] and started["stopped"] == ["worker"]


def test_the_web_processes_fork_warm(db, started, monkeypatch):
    """Django is warmed in the master process, before gunicorn forks its processes: none of them
    imports the views or compiles the templates on its first requests (while others wait)."""
    order: list[str] = []
    monkeypatch.setattr(serve, "warm_up", lambda: order.append("warm up") or [])
    monkeypatch.setattr(serve, "run_gunicorn", lambda options: order.append("gunicorn"))
    call_command("serve", "--no-worker")
    assert order == ["warm up", "gunicorn"]


def test_warming_up_compiles_the_templates_and_imports_the_views():
    from django.template import engines
    from django.urls import get_resolver

    names = set(serve.warm_up())
    assert {"cases/detail.html", "cases/list.html", "cases/search.html", "base.html"} <= names
    assert "django/forms/div.html" in names  # the forms' renderer's own
    (cached,) = engines["django"].engine.template_loaders
    assert "cases/detail.html" in cached.get_template_cache
    assert "url_patterns" in vars(get_resolver())  # the URL configuration is loaded


def test_the_master_freezes_its_objects_before_each_fork(settings):
    """gunicorn calls the pre-fork hook in the master before each web process is forked: what the
    master holds (Django warmed) goes to the collector's permanent generation, never walked again by
    a web process's full collections."""
    import gc

    from gunicorn.config import Config

    options = serve.gunicorn_options("127.0.0.1", 8123, 3)
    config = Config()
    for key, value in options.items():
        config.set(key, value)  # gunicorn checks each (the hook: a callable of the server and the worker)
    gc.unfreeze()
    try:
        config.pre_fork(None, None)
        assert gc.get_freeze_count() > 10_000
    finally:
        gc.unfreeze()
