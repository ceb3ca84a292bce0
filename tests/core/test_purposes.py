"""The purpose of a logged read reads in the reader's language, for new and already-stored entries.

The purposes are read from the source: every string given as `purpose=...` (a call's argument or a
parameter's default), assigned to a name `purpose`/`PURPOSE`, or written under the key "purpose" of a
dict literal; an f-string stands for its pattern ("referral 7"). An entry of each is written to the
log as the apps write it (the English words, sealed in the chain) and the activity log page and the
case timeline are read in French: no English purpose is left, and the chain still verifies.
"""

from __future__ import annotations

import ast
import html
import re
from functools import cache
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

import ctm
from ctm.core.changes import Names, entry_lines
from ctm.core.domain.activity import record, verify_chain
from ctm.core.models import ActivityLog
from ctm.core.purposes import purpose_text

SRC = Path(ctm.__file__).parent


def _text(node: ast.AST) -> str | None:
    """A string literal, or an f-string with each replacement field read as "7"."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "7" for v in node.values)
    return None


def _purposes_in(tree: ast.AST) -> set[str]:
    found: list[str | None] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "purpose":
            found.append(_text(node.value))
        elif isinstance(node, ast.arguments):
            named = [*node.posonlyargs, *node.args][-len(node.defaults) :] if node.defaults else []
            pairs = [
                *zip(named, node.defaults, strict=True),
                *zip(node.kwonlyargs, node.kw_defaults, strict=True),
            ]
            found.extend(_text(d) for a, d in pairs if a.arg == "purpose" and d is not None)
        elif isinstance(node, ast.Dict):
            found.extend(
                _text(v) for k, v in zip(node.keys, node.values, strict=True) if _text(k) == "purpose"
            )
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                names, values = ([t], [node.value]) if isinstance(t, ast.Name) else ([], [])
                if isinstance(t, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    names, values = list(t.elts), list(node.value.elts)
                found.extend(
                    _text(v)
                    for n, v in zip(names, values, strict=True)
                    if getattr(n, "id", "").lower() == "purpose"
                )
    return {p for p in found if p is not None}


@cache
def written_purposes() -> dict[str, str]:
    """Every purpose the source writes → a file that writes it."""
    out: dict[str, str] = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts or "engine" in path.parts or path.name == "crypto.py":
            continue  # crypto.py: a blind index's "purpose" is a key derivation label, not a read's
        for p in _purposes_in(ast.parse(path.read_text(encoding="utf-8"))):
            out.setdefault(p, str(path.relative_to(SRC)))
    return out


def _english(text: str, purpose: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(purpose)}(?!\w)", text) is not None


def test_the_scan_finds_the_purposes_of_every_app():
    found = written_purposes()
    for known in ("case page", "edit form", "referral 7", "fund request 7", "case list export (7)", "api"):
        assert known in found
    for app in ("cases", "funds", "referrals", "linkage", "assistance", "reintegration", "api"):
        assert any(where.startswith(app + "/") for where in found.values()), app


def test_every_written_purpose_has_a_french_text():
    with translation.override("fr"):
        missing = {p: where for p, where in written_purposes().items() if purpose_text(p) in (None, p)}
        english = {p: purpose_text(p) for p in written_purposes() if _english(purpose_text(p) or p, p)}
    assert not missing, f"purposes written to the activity log without a translation: {missing}"
    assert not english, f"purposes still in English in French: {english}"


def test_a_record_named_in_a_purpose_keeps_its_name():
    with translation.override("fr"):
        assert purpose_text("referral 12") == "orientation 12"
        assert purpose_text("fund request EF-2026-0003") == "demande au fonds EF-2026-0003"
        assert purpose_text("case list export (xlsx)") == "export de la liste des dossiers (xlsx)"
    with translation.override("en"):
        assert purpose_text("referral 12") == "referral 12"
    assert purpose_text("something else") is None and purpose_text(3) is None


@pytest.mark.django_db
def test_stored_reads_of_every_purpose_read_in_french_on_the_log_and_the_timeline(client, personas):
    case = personas.case
    purposes = sorted(written_purposes())
    for purpose in purposes:  # as the apps write them: the English words, in the sealed chain
        record(
            "cases.screening.viewed",
            actor=personas.caseworker.user,
            organization=personas.org,
            obj=case,
            label=case.number,
            changes={"purpose": purpose, "parts": ["screening"]},
        )
    with translation.override("fr"):
        names = Names([])
        lines = [
            entry_lines(
                type("E", (), {"action": "cases.screening.viewed", "changes": {"purpose": p}})(), names
            )
            for p in purposes
        ]
        client.force_login(personas.auditor.user)
        log = client.get(reverse("core:activity"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        client.force_login(personas.caseworker.user)
        page = client.get(
            reverse("cases:detail", args=[case.number]), HTTP_ACCEPT_LANGUAGE="fr"
        ).content.decode()
    for p, shown in zip(purposes, lines, strict=True):
        assert len(shown) == 1 and shown[0].startswith("Finalité\u00a0: "), shown
        assert not _english(shown[0], p), shown
    table = html.unescape(re.sub(r"<[^>]+>", "\n", log[log.index("<tbody>") : log.index("</tbody>")]))
    section = page[page.index('id="timeline"') :]
    timeline = html.unescape(re.sub(r"<[^>]+>", "\n", section[: section.index("</section>")]))
    for p in purposes:
        assert not _english(table, p), f"{p!r} in English on the French activity log"
        assert not _english(timeline, p), f"{p!r} in English on the French timeline"
    with translation.override("fr"):
        assert str(purpose_text("case page")) in table
    stored = set(
        ActivityLog.objects.filter(action="cases.screening.viewed").values_list("changes__purpose", flat=True)
    )
    assert stored == set(purposes)  # the log keeps the English words it sealed
    assert verify_chain()[1] == []
