"""Secrets: the Django secret key, the data-encryption keys, the blind-index key and the activity-log keys.

In production they come from the environment (CTM_SECRET_KEY, CTM_ENCRYPTION_KEYS, CTM_BLIND_INDEX_KEY,
CTM_AUDIT_KEYS).
On a developer's machine or the demo, missing ones are generated once into var/secrets.json (mode 0600),
so that the demo works out of the box and data stays readable across restarts.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Callable
from pathlib import Path


def new_key_material() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _read(path: Path) -> dict[str, str]:
    if path.is_file():
        return dict(json.loads(path.read_text()))
    return {}


def _write(path: Path, data: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def secrets_file(var_dir: Path) -> Path:
    return Path(var_dir) / "secrets.json"


def load_dev_secrets(
    var_dir: Path, secret_key: str, enc_keys: str, blind_key: str, *, require: bool
) -> tuple[str, str, str]:
    if secret_key and enc_keys and blind_key:
        return secret_key, enc_keys, blind_key
    if require:
        raise RuntimeError(
            "CTM_SECRET_KEY, CTM_ENCRYPTION_KEYS and CTM_BLIND_INDEX_KEY must be set in production"
        )
    path = secrets_file(var_dir)
    data = _read(path)
    changed = False
    defaults = {
        "secret_key": lambda: secrets.token_urlsafe(50),
        "encryption_keys": lambda: f"k1:{new_key_material()}",
        "blind_index_key": new_key_material,
    }
    for name, make in defaults.items():
        if name not in data:
            data[name] = make()
            changed = True
    if changed:
        _write(path, data)
    return (
        secret_key or data["secret_key"],
        enc_keys or data["encryption_keys"],
        blind_key or data["blind_index_key"],
    )


def add_dev_encryption_key(var_dir: Path) -> str:
    """Put a new key first in var/secrets.json (the older ones stay, to decrypt). Returns its id."""
    path = secrets_file(var_dir)
    data = _read(path)
    existing = [part.split(":", 1)[0] for part in data.get("encryption_keys", "").split(",") if part]
    number = 1 + max((int(k[1:]) for k in existing if k[1:].isdigit()), default=0)
    key_id = f"k{number}"
    data["encryption_keys"] = ",".join(
        [f"{key_id}:{new_key_material()}", *filter(None, data.get("encryption_keys", "").split(","))]
    )
    _write(path, data)
    return key_id


def load_audit_keys(var_dir: Path, audit_keys: str, *, require: bool) -> str:
    """The activity-log key ring (`id:base64key,…`): from the environment, else var/secrets.json."""
    if audit_keys:
        return audit_keys
    if require:
        raise RuntimeError("CTM_AUDIT_KEYS must be set in production (the activity log's keys)")
    path = secrets_file(var_dir)
    data = _read(path)
    if "audit_keys" not in data:
        data["audit_keys"] = f"a1:{new_key_material()}"
        _write(path, data)
    return data["audit_keys"]


def dev_secret(var_dir: Path, name: str, make: Callable[[], str] = new_key_material) -> str:
    """One more generated secret in var/secrets.json (e.g. the backup key), made once on first use."""
    path = secrets_file(var_dir)
    data = _read(path)
    if name not in data:
        data[name] = make()
        _write(path, data)
    return data[name]
