"""The sections of the case page, as a small registry: the register declares its own (person,
screening, consent, notes ...) and another app adds one from its `AppConfig.ready()` — a template, an
order, and optionally the data it reads and the facts it adds to the summary at the top of the page —
without the register importing it (docs/decisions/1002-declared-parts-and-htmx.md).

A section's template is included with the page's context and renders one
`<section id="{{ key }}" class="case-section" aria-labelledby="h-{{ key }}">` with an `<h2 id="h-{{ key }}">`:
the page makes a tab of it (a link to it when JavaScript is off) and swaps it in place after an edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Fact:
    """One line of the summary at the top of the case page."""

    label: Any
    value: Any
    tone: str = ""  # "", "ok", "warn" or "danger": a badge's colour
    href: str = ""  # where it is seen or done (a section's anchor or a page)


@dataclass(frozen=True)
class Section:
    key: str  # the section's id, and its tab
    label: Any  # its tab's (lazy) translated name
    template: str
    order: int = 50
    shown: Callable[[dict[str, Any]], bool] | None = None  # given the page's context; default: always
    context: Callable[[Any, Any], dict[str, Any]] | None = None  # (membership, case) → more context
    facts: Callable[[Any, Any, dict[str, Any]], list[Fact]] | None = None  # (membership, case, context)


_SECTIONS: dict[str, Section] = {}


def register_section(section: Section) -> None:
    """Add (or replace, by key) a section of the case page."""
    _SECTIONS[section.key] = section


def case_sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def page_sections(membership: Any, case: Any, context: dict[str, Any]) -> tuple[list[Section], list[Fact]]:
    """The sections shown for this case (their data added to `context`) and the facts they add."""
    shown = [s for s in case_sections() if s.shown is None or s.shown(context)]
    facts: list[Fact] = []
    for s in shown:
        if s.context is not None:
            context.update(s.context(membership, case))
        if s.facts is not None:
            facts.extend(s.facts(membership, case, context))
    return shown, facts
