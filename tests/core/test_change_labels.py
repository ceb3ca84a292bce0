"""Every key that CTM writes into an activity-log entry's changes reads as a translated label.

The keys are read from the source: the string keys of every dict literal given to a function that
writes the log (`record`, `log*`), and of every `changes[...] = ...` assignment. A key takes the label
its app declared (`ctm.core.changes.declare`) or the translated verbose name of a model field of that
name; a key with neither would show as its raw name.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from django.utils.functional import Promise

import ctm
from ctm.core.changes import VOCABULARY, fields_for

SRC = Path(ctm.__file__).parent


def _writer(node: ast.Call) -> bool:
    f = node.func
    name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
    return name == "record" or name.lstrip("_").startswith("log")


@cache
def logged_keys() -> dict[tuple[str, str], str]:
    """(key, app) → a file of the app that writes it."""
    out: dict[tuple[str, str], str] = {}
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts or "engine" in path.parts or "tests" in path.parts:
            continue
        app = path.relative_to(SRC).parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            dicts: list[ast.AST] = []
            if isinstance(node, ast.Call) and _writer(node):
                dicts = [d for a in [*node.args, *(k.value for k in node.keywords)] for d in ast.walk(a)]
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    key = (
                        t.slice
                        if isinstance(t, ast.Subscript) and getattr(t.value, "id", "") == "changes"
                        else None
                    )
                    if isinstance(key, ast.Constant) and isinstance(key.value, str):
                        out.setdefault((key.value, app), str(path.relative_to(SRC)))
                    if getattr(t, "id", "") == "changes" and node.value is not None:
                        dicts = list(ast.walk(node.value))
            for d in dicts:
                if isinstance(d, ast.Dict):
                    for k in d.keys:
                        if isinstance(k, ast.Constant) and isinstance(k.value, str):
                            out.setdefault((k.value, app), str(path.relative_to(SRC)))
    return out


def _labelled(key: str, app: str) -> bool:
    if key in VOCABULARY.labels:
        return True
    fields = fields_for(key, app)
    return any(isinstance(f.verbose_name, Promise) for f in fields)  # a translated verbose name


def test_the_scan_finds_the_keys_of_every_app():
    keys = {key for key, _app in logged_keys()}
    for known in ("stage", "shelter", "committed", "state", "clusters", "epsilon", "checks", "visibility"):
        assert known in keys


def test_every_logged_key_has_a_translated_label():
    missing = {k: where for (k, app), where in logged_keys().items() if not _labelled(k, app)}
    assert not missing, f"keys written to the activity log without a label: {missing}"


def test_fields_are_looked_up_once_per_key_and_again_after_a_declaration(monkeypatch):
    """A timeline asks the same keys for each entry: the walk over every model's fields is done once
    per (key, app, thing); a later declaration (an alias) is seen, not an answer kept from before it."""
    from ctm.core import changes

    walks = []
    index = changes._index

    def counted():
        walks.append(1)
        return index()

    monkeypatch.setattr(changes, "_index", counted)
    changes._fields_for.cache_clear()
    first = fields_for("stage", "cases", "case")
    assert fields_for("stage", "cases", "case") == first and len(walks) == 1
    monkeypatch.setitem(VOCABULARY.aliases, "stage", ("status",))
    changes.declare()
    assert [f.name for f in fields_for("stage", "cases", "case")][:1] == ["status"]
    changes._fields_for.cache_clear()
