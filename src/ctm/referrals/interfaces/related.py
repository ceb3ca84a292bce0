"""What other apps say about a referral on its page — a return it serves (`ctm.reintegration`) — a
small registry filled from their `AppConfig.ready()`, so that this app imports none of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Related:
    label: str  # no identifying data: a kind, a country, a state
    url: str = ""  # for the side that may open it, else ""


_SOURCES: list[Callable[[Any, Any], list[Related]]] = []


def register_related(source: Callable[[Any, Any], list[Related]]) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def related_to(membership: Any, referral: Any) -> list[Related]:
    return [item for source in _SOURCES for item in source(membership, referral)]
