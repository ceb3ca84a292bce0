"""Static files: WhiteNoise's compressed storage with hashed names (served with far-future caching).

Before `collectstatic` has run (tests, `ctm runserver`) a file has no hashed copy: its plain name is
used, and WhiteNoise serves it from the app's folder (WHITENOISE_USE_FINDERS)."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False

    def stored_name(self, name: str) -> str:
        try:
            return str(super().stored_name(name))
        except ValueError:  # not collected
            return name
