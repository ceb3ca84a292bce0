"""System checks of the runtime (run by `ctm check`, `ctm check --deploy`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks

from ctm.runtime.production import group_or_world_access


@checks.register(checks.Tags.security, deploy=True)
def private_files(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """var/ (secrets, the SQLite file, releases) and the SQLite file are readable by their owner only."""
    paths = [Path(settings.VAR_DIR), Path(settings.VAR_DIR) / "secrets.json"]
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        paths.append(Path(str(db["NAME"])))
    return [
        checks.Warning(
            f"{path} can be read by other users of this machine.",
            hint=f"chmod {'700' if path.is_dir() else '600'} {path}",
            id="ctm.W101",
        )
        for path in paths
        if group_or_world_access(path)
    ]
