"""Where the assistance pages go back to: the case's assistance page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def assistance_url(case: Any, anchor: str = "") -> str:
    return reverse("assistance:case", args=[case.number]) + anchor
