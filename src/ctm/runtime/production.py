"""Settings that refuse to be unsafe (read by `config/settings.py`, before Django is set up).

- `https_settings`: HSTS, secure cookies, the HTTPS redirect and the proxy's header, from the
  environment. Under `CTM_PRODUCTION=1` every one of them defaults to on, so the documented
  production environment (docs/operations.md) gives `ctm check --deploy` no warning.
- `refuse_unsafe`: under `CTM_PRODUCTION=1`, the process stops at once (ImproperlyConfigured) with
  every problem listed: debug on, a missing secret, or HTTPS left off (HSTS, secure cookies, and either
  the HTTPS redirect or a declared proxy header).
- `private_dir` / `private_file`: `var/` and the SQLite file are created owner-only (0700 / 0600);
  SQLite gives its -wal and -shm files the database file's mode.
- `use_log_format`: `CTM_LOG_FORMAT=json` writes one JSON object per line (python-json-logger).

No identifying data ever reaches a log: CTM's own messages carry ids and kinds of error only, request
bodies and query strings are never logged (`ctm serve` logs paths without their query string).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import ImproperlyConfigured

TRUE = {"1", "true", "yes", "on"}
YEAR = 365 * 24 * 3600
PROXY_HEADERS = {"x-forwarded-proto": "HTTP_X_FORWARDED_PROTO", "x-forwarded-ssl": "HTTP_X_FORWARDED_SSL"}
SECRETS = ("CTM_SECRET_KEY", "CTM_ENCRYPTION_KEYS", "CTM_BLIND_INDEX_KEY", "CTM_AUDIT_KEYS")


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = env.get(name)
    return default if value is None or value.strip() == "" else value.strip().lower() in TRUE


def https_settings(env: Mapping[str, str], *, production: bool) -> dict[str, Any]:
    """Django's HTTPS settings from CTM_* variables; on by default in production, off otherwise."""
    secure = _flag(env, "CTM_SECURE_COOKIES", production)
    proxy = env.get("CTM_PROXY_SSL_HEADER", "").strip().lower()
    values: dict[str, Any] = {
        "SESSION_COOKIE_SECURE": secure,
        "CSRF_COOKIE_SECURE": secure,
        "SECURE_HSTS_SECONDS": int(env.get("CTM_HSTS_SECONDS", YEAR if production else 0)),
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": _flag(env, "CTM_HSTS_INCLUDE_SUBDOMAINS", production),
        "SECURE_HSTS_PRELOAD": _flag(env, "CTM_HSTS_PRELOAD", production),
        "SECURE_SSL_REDIRECT": _flag(env, "CTM_SSL_REDIRECT", production),
        # the load balancer's probes may come over plain HTTP on the private network
        "SECURE_REDIRECT_EXEMPT": [r"^healthz$", r"^readyz$"],
        "SECURE_PROXY_SSL_HEADER": None,
    }
    if proxy:
        if proxy not in PROXY_HEADERS:
            raise ImproperlyConfigured(
                f"CTM_PROXY_SSL_HEADER={proxy!r}: use one of {', '.join(sorted(PROXY_HEADERS))}."
            )
        value = "https" if proxy == "x-forwarded-proto" else "on"
        values["SECURE_PROXY_SSL_HEADER"] = (PROXY_HEADERS[proxy], value)
    return values


def problems(values: Mapping[str, Any], env: Mapping[str, str]) -> list[str]:
    """What makes these settings unsafe for production (empty when they are safe)."""
    found = []
    if values.get("DEBUG"):
        found.append("CTM_DEBUG is on: debug pages show code, settings and data to anyone")
    missing = [name for name in SECRETS if not env.get(name, "").strip()]
    if missing:
        found.append(f"missing secret(s): {', '.join(missing)} (generated files are for the demo only)")
    if not values.get("SECURE_HSTS_SECONDS"):
        found.append("HSTS is off (CTM_HSTS_SECONDS=0)")
    if not (values.get("SESSION_COOKIE_SECURE") and values.get("CSRF_COOKIE_SECURE")):
        found.append("cookies may travel over plain HTTP (CTM_SECURE_COOKIES=0)")
    if not values.get("SECURE_SSL_REDIRECT") and not values.get("SECURE_PROXY_SSL_HEADER"):
        found.append("neither the HTTPS redirect (CTM_SSL_REDIRECT) nor a proxy header (CTM_PROXY_SSL_HEADER)")
    hosts = [h for h in values.get("ALLOWED_HOSTS", []) if h not in ("127.0.0.1", "localhost", "testserver")]
    if not hosts or "*" in hosts:
        found.append("CTM_ALLOWED_HOSTS must name the public host name(s), and not '*'")
    return found


def refuse_unsafe(values: Mapping[str, Any], env: Mapping[str, str]) -> None:
    found = problems(values, env)
    if found:
        raise ImproperlyConfigured(
            "CTM_PRODUCTION=1 refuses to start: " + "; ".join(found) + ". See docs/operations.md."
        )


def private_dir(path: Path) -> None:
    """Create `path` owner-only (0700); an existing folder is left as it is (`ctm check` warns)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def private_file(path: Path) -> None:
    """Create an empty file owner-only (0600) where SQLite will open its database."""
    if str(path) in ("", ":memory:") or path.exists():
        return
    private_dir(path.parent)
    with contextlib.suppress(FileExistsError):  # created meanwhile by another process
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def group_or_world_access(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & 0o077)
    except FileNotFoundError:
        return False


def use_log_format(logging: dict[str, Any], fmt: str) -> None:
    """CTM_LOG_FORMAT=json: every handler writes JSON lines (time, level, logger, message)."""
    if fmt.strip().lower() != "json":
        return
    logging["formatters"]["json"] = {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    }
    for handler in logging["handlers"].values():
        handler["formatter"] = "json"


def backup_key(var_dir: Path, env: Mapping[str, str], *, production: bool) -> str:
    """CTM_BACKUP_KEY (an age identity, `AGE-SECRET-KEY-1…`), or (outside production) one generated
    into var/secrets.json like the other keys.

    In production a missing key is not generated: `ctm backup` and `ctm restore` refuse to run."""
    key = env.get("CTM_BACKUP_KEY", "").strip()
    if key or production:
        return key
    from ctm.core.keys import dev_secret

    return dev_secret(var_dir, "backup_key", new_backup_key)


def new_backup_key() -> str:
    from pyrage import x25519

    return str(x25519.Identity.generate())
