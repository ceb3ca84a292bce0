"""`ctm serve [--host 127.0.0.1] [--port 8000] [--workers N] [--no-worker]`: serve CTM for real.

It refuses to start while migrations are pending, collects the static files (WhiteNoise serves them,
compressed, under hashed names, cached for a year), then runs gunicorn with several processes
(CTM_WEB_WORKERS, default 2 × cores + 1) and, unless `--no-worker`, a `ctm worker` beside it for the
queued jobs: the embedded setup of a laptop or a small office in one command. A production
installation runs `ctm serve --no-worker` and `ctm worker` as two services behind a TLS proxy
(docs/operations.md). Django's development server is `ctm runserver`, for development only.

Before forking, the master warms Django (every view imported, every template compiled, the
translations read) and freezes what it holds out of the garbage collector's reach (`gc.freeze()` in
gunicorn's pre-fork hook): a new process, or one renewed by `max_requests`, starts serving warm.

The access log gives the method, the path without its query string (a search may carry a name), the
status, the size and the time taken: never a request's content.
"""

from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from ctm.runtime.domain.queries import health

ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'


def refuse_pending_migrations() -> None:
    pending = health.pending_migrations()
    if pending:
        raise CommandError(
            f"{len(pending)} migration(s) not applied ({', '.join(pending[:3])}{'…' if len(pending) > 3 else ''}): "
            "run `ctm migrate` first."
        )


def web_workers() -> int:
    return settings.CTM_WEB_WORKERS or 2 * (os.cpu_count() or 1) + 1


def gunicorn_options(host: str, port: int, workers: int) -> dict[str, Any]:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return {
        "bind": bind,
        "workers": workers,
        "worker_class": "gthread",
        "threads": 2,
        "preload_app": True,  # Django is loaded once, then the processes fork
        "max_requests": 2000,  # a process is renewed now and then (memory held by a large page)
        "max_requests_jitter": 200,
        "timeout": 60,
        "graceful_timeout": 20,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "logconfig_dict": gunicorn_logging(),
        "proc_name": "ctm-web",
        "forwarded_allow_ips": os.environ.get("CTM_FORWARDED_ALLOW_IPS", "127.0.0.1,::1"),
        "pre_fork": freeze_before_fork,
    }


def freeze_before_fork(server: Any, worker: Any) -> None:
    """gunicorn's pre-fork hook, in the master before each web process is forked: every object the
    master holds (Django, the views, the compiled templates: ~300,000) moves to the collector's
    permanent generation. A web process then never walks them in a full collection (~150 ms each
    measured on this machine, a pause inside whatever request set it off) and never writes their
    headers while collecting, which would copy the shared pages into each process (Python's `gc.freeze`
    documentation recommends it before `fork`)."""
    gc.freeze()


def gunicorn_logging() -> dict[str, Any]:
    """gunicorn's own loggers through CTM's handlers (plain text or JSON lines, CTM_LOG_FORMAT)."""
    config = {**settings.LOGGING}
    config["loggers"] = {
        **config.get("loggers", {}),
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False},
    }
    return config


class Command(BaseCommand):
    help = "Serve CTM with gunicorn (several processes) and a job worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers", type=int, default=0, help="web processes (default CTM_WEB_WORKERS, or 2 × cores + 1)"
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="do not start `ctm worker` (it runs as its own service)"
        )

    def handle(self, *args: Any, host: str, port: int, workers: int, no_worker: bool, **options: Any) -> None:
        refuse_pending_migrations()
        if host not in settings.ALLOWED_HOSTS and host not in ("0.0.0.0", "::"):  # noqa: S104  (a check, not a bind)
            self.stderr.write(f"Note: {host} is not in CTM_ALLOWED_HOSTS; requests to it will be refused.")
        worker = None if no_worker else start_worker()  # it starts up while the static files are collected
        try:
            call_command("collectstatic", interactive=False, verbosity=0)
            warm_up()
            gc.collect()  # the warm-up's garbage, not frozen with the rest before the fork
            connections.close_all()  # the web processes open their own
            self.stdout.write(f"CTM on http://{host}:{port}/  (Ctrl+C to stop)")
            self.stdout.flush()
            run_gunicorn(gunicorn_options(host, port, workers or web_workers()))
        finally:
            if worker is not None:
                stop_worker(worker)


def warm_up() -> list[str]:
    """What each web process would otherwise do on its first requests, done once before they fork
    (`preload_app`): import every view (the URL configuration), compile every template of the apps
    (the cached loader keeps them), read the translations of every language. Measured on the
    200,000-case bench: a new process spent ~2.5 s of processor time on its first page and ~0.3 s
    on the first of each other page, inside the first seconds of serving, while its neighbours'
    requests waited for the processor; after a fork the processes share these (copy-on-write), and
    a process renewed by `max_requests` starts warm too. Returns the templates compiled."""
    from django.forms.renderers import get_default_renderer
    from django.template import engines
    from django.urls import get_resolver
    from django.utils import translation

    get_resolver().url_patterns  # noqa: B018  (imports the URL configuration and every view)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Cases")
    backends = [*engines.all(), get_default_renderer().engine]  # the pages' and the forms' (widgets)
    return [name for backend in backends for name in _compile_templates(backend)]


def _compile_templates(backend: Any) -> list[str]:
    from django.template import TemplateDoesNotExist, TemplateSyntaxError

    names = []
    for loader in backend.engine.template_loaders:
        for directory in loader.get_dirs():
            for path in sorted(Path(directory).rglob("*.html")):
                name = path.relative_to(directory).as_posix()
                try:
                    backend.get_template(name)
                except (TemplateDoesNotExist, TemplateSyntaxError):  # (compiled, or refused, when used)
                    continue
                names.append(name)
    return names


def start_worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "ctm.cli", "worker"])


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()


def run_gunicorn(options: dict[str, Any]) -> None:
    from gunicorn.app.base import BaseApplication

    from config.wsgi import application

    class CTMApplication(BaseApplication):  # gunicorn's documented "custom application"
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            return application

    CTMApplication().run()
