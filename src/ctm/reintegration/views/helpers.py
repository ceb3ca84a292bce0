"""Where the return and reintegration pages go back to: the case's return and reintegration page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse


def page_url(case: Any, anchor: str = "") -> str:
    return reverse("reintegration:case", args=[case.number]) + anchor
