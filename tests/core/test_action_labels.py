"""Every activity-log action code written anywhere in CTM has a readable label, and the log shows it.

The codes are read from the source: every string literal shaped like an action code
(`<app>.<thing>.<verb>`), and every f-string shaped like one, whose values are listed below.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

import ctm
from ctm.core.domain.activity import record
from ctm.core.phrases import ACTIONS, action_label
from ctm.linkage.enums import Decision
from ctm.privacy.enums import ReleaseStatus

SRC = Path(ctm.__file__).parent
APP_LABELS = sorted(c.label for c in apps.get_app_configs() if c.name.startswith("ctm."))
PREFIXES = [*APP_LABELS, "security"]  # security events (core/domain/security.py) are not an app's
CODE = re.compile(rf"^(?:{'|'.join(PREFIXES)})\.[a-z_{{}}]+\.[a-z_{{}}]+$")


@cache
def _sources() -> tuple[ast.AST, ...]:
    return tuple(
        ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts and "engine" not in path.parts
    )


def _fstring(node: ast.JoinedStr) -> str:
    """An f-string with `{}` for each substituted value: f"privacy.release.{new}" → "privacy.release.{}"."""
    return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)


def identifying_read_parts() -> list[str]:
    """The `what` of every `log_identifying_read(membership, case, what)` call (cases.<what>.viewed)."""
    return [
        node.args[2].value
        for tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", "")) == "log_identifying_read"
        and len(node.args) > 2
        and isinstance(node.args[2], ast.Constant)
    ]


# The values an f-string action code takes. A new f-string code fails the test until it is listed here.
DYNAMIC = {
    "privacy.release.{}": lambda: [ReleaseStatus.APPROVED.value, ReleaseStatus.REJECTED.value],
    "linkage.pair.{}": lambda: [Decision.ACCEPTED.value, Decision.REJECTED.value],
    "cases.{}.viewed": identifying_read_parts,
}


def recorded_codes() -> tuple[set[str], set[str]]:
    """(literal codes, f-string patterns) found in the source."""
    literals: set[str] = set()
    patterns: set[str] = set()
    for tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and CODE.match(node.value):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and CODE.match(_fstring(node)):
                patterns.add(_fstring(node))
    return literals, patterns


def every_code() -> set[str]:
    literals, patterns = recorded_codes()
    expanded = {p.replace("{}", value) for p in patterns if p in DYNAMIC for value in DYNAMIC[p]()}
    return literals | expanded


def test_the_scan_finds_the_codes_of_every_app():
    literals, patterns = recorded_codes()
    codes = every_code()
    for code in (
        "core.retention_rule.updated",
        "cases.person.erased",
        "privacy.dataset.uploaded",
        "privacy.release.approved",
        "linkage.run.created",
        "linkage.pair.accepted",
        "cases.notes.viewed",
        "accounts.login.failed",
        "security.case.refused",
    ):
        assert code in codes
    assert patterns, "no f-string action code found: the scan is broken"
    assert len(literals) > 50


def test_every_dynamic_code_lists_its_values():
    _literals, patterns = recorded_codes()
    unknown = sorted(patterns - set(DYNAMIC))
    assert not unknown, f"f-string action codes without their values in DYNAMIC: {unknown}"
    assert all(DYNAMIC[p]() for p in patterns)


def test_every_recorded_action_code_has_a_label():
    missing = sorted(code for code in every_code() if code not in ACTIONS)
    assert not missing, f"action codes without a label in ctm/core/phrases.py: {missing}"


def test_an_unknown_code_shows_as_itself():
    assert action_label("privacy.release.published") == "Release published"
    assert action_label("nothing.like.this") == "nothing.like.this"


@pytest.mark.django_db
def test_the_activity_log_page_shows_labels(client, personas):
    codes = [
        "privacy.dataset.uploaded",
        "linkage.run.deleted",
        "core.retention_rule.updated",
        "cases.person.erased",
    ]
    for code in codes:
        record(code, actor=personas.org_admin.user, organization=personas.org, label="x")
    client.force_login(personas.auditor.user)
    body = client.get(reverse("core:activity")).content.decode()
    for code in codes:
        assert str(ACTIONS[code]) in body.replace("&#x27;", "'")
        assert f"<code>{code}</code>" in body  # the code stays, for the "Action starts with" filter
