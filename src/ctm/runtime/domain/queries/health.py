"""What /readyz checks: the database answers, no migration is pending, the keys open the stored data,
and a job worker is alive. Each check answers "ok" or a short reason for the operator's log; the
endpoint shows anonymous callers only the names of the checks and ok/fail (no version, no counts)."""

from __future__ import annotations

import datetime
import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from ctm.core import crypto
from ctm.core.encrypted import encrypted_columns
from ctm.runtime.models import WorkerHeartbeat

logger = logging.getLogger("ctm.health")
CACHE_SECONDS = 30.0  # migrations and keys change only with a deployment: checked at most this often
_cache: dict[str, tuple[float, str]] = {}


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


def check_migrations() -> str:
    pending = pending_migrations()
    return "ok" if not pending else f"{len(pending)} migration(s) not applied"


def check_keys() -> str:
    """The keys parse, the blind-index key is set, and the newest stored encrypted value decrypts (its
    plain text is thrown away at once: nothing is shown or logged)."""
    crypto.keyring()
    if not settings.CTM_BLIND_INDEX_KEY:
        return "no blind-index key"
    for model, fields in encrypted_columns():
        field = fields[0]
        table, column = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(field.column)
        pk = connection.ops.quote_name(model._meta.pk.column)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {column} FROM {table} WHERE {column} LIKE 'v1:%%' ORDER BY {pk} DESC LIMIT 1")  # noqa: S608  (names from the models)
            row = cursor.fetchone()
        if row:
            try:
                crypto.decrypt(row[0], field.context())
            except (crypto.DecryptionError, ValueError):
                return f"the configured keys do not open {model._meta.label}"
            return "ok"
    return "ok"


def check_worker() -> str:
    limit = timezone.now() - datetime.timedelta(seconds=settings.CTM_WORKER_STALE_SECONDS)
    alive = WorkerHeartbeat.objects.filter(seen_at__gt=limit, stopped_at__isnull=True).exists()
    return "ok" if alive else f"no job worker seen in the last {settings.CTM_WORKER_STALE_SECONDS} s"


CHECKS: dict[str, tuple[Callable[[], str], bool]] = {  # name -> (check, cached)
    "database": (check_database, False),
    "migrations": (check_migrations, True),
    "keys": (check_keys, True),
    "worker": (check_worker, False),
}


def _run(name: str, check: Callable[[], str], cached: bool) -> str:
    now = time.monotonic()
    if cached and name in _cache and now - _cache[name][0] < CACHE_SECONDS:
        return _cache[name][1]
    try:
        outcome = check()
    except Exception as exc:  # a check that cannot run has failed; the kind of error is enough
        outcome = f"{type(exc).__name__}"
    if cached and outcome == "ok":
        _cache[name] = (now, outcome)
    return outcome


def readiness() -> dict[str, Any]:
    """{"ready": bool, "checks": {name: "ok" | reason}}; the database first (the others need it)."""
    results = {"database": _run("database", *CHECKS["database"])}
    for name, (check, cached) in CHECKS.items():
        if name != "database":
            results[name] = _run(name, check, cached) if results["database"] == "ok" else "skipped"
    failed = {name: reason for name, reason in results.items() if reason != "ok"}
    if failed:
        logger.warning("not ready: %s", "; ".join(f"{n}: {r}" for n, r in failed.items()))
    return {"ready": not failed, "checks": results}


def clear_cache() -> None:
    _cache.clear()
