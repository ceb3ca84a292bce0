"""No string is translated when a module is imported: a module-level table of labels built with the
eager `gettext` is frozen in the language of the first import (English, at start-up) and shows in
English to a French reader. Such tables use `gettext_lazy` (the page renders them in the reader's
language); eager `gettext` belongs inside functions."""

from __future__ import annotations

import ast
from pathlib import Path

import ctm

SRC = Path(ctm.__file__).parent
EAGER = {"gettext", "pgettext", "ngettext", "npgettext"}


def _eager_names(tree: ast.Module) -> set[str]:
    return {
        a.asname or a.name
        for n in tree.body
        if isinstance(n, ast.ImportFrom) and n.module == "django.utils.translation"
        for a in n.names
        if a.name in EAGER
    }


def _import_time_nodes(nodes: list[ast.stmt]):
    """The statements run on import: the module's and its classes' bodies, not function bodies."""
    for n in nodes:
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(n, ast.ClassDef):
            yield from _import_time_nodes(n.body)
            continue
        yield n


def _calls_outside_functions(node: ast.AST):
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
        return
    if isinstance(node, ast.Call):
        yield node
    for child in ast.iter_child_nodes(node):
        yield from _calls_outside_functions(child)


def eager_translations() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts or "engine" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        eager = _eager_names(tree)
        for stmt in _import_time_nodes(tree.body) if eager else []:
            for call in _calls_outside_functions(stmt):
                if getattr(call.func, "id", None) in eager:
                    found.append(f"{path.relative_to(SRC)}:{call.lineno}")
    return found


def test_no_string_is_translated_on_import():
    found = eager_translations()
    assert not found, f"translated on import (use gettext_lazy): {found}"
