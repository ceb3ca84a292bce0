"""An import-linter contract of CTM's own (used by `lint-imports`, never by the application).

`no_private_imports`: no module of the project imports a library's private modules — a name with a
part that starts with an underscore (`pandas._libs`, `openpyxl.worksheet._reader`) or a part the
library declares internal (`splink.internals`). import-linter sees an external package only as its
top-level name, so this contract reads the import lines grimp recorded. An exception is written in
`allowed` as `importer -> imported.name` with its reason beside it in pyproject.toml.
"""

from __future__ import annotations

import re
from typing import Any

from importlinter import Contract, ContractCheck, fields, output

_IMPORTED = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))")


def _private_part(name: str, internal: set[str]) -> str | None:
    for part in name.split(".")[1:]:
        if (part.startswith("_") and not part.startswith("__")) or part in internal:
            return part
    return None


class NoPrivateImports(Contract):
    type_name = "no_private_imports"

    internal_names = fields.ListField(subfield=fields.StringField(), required=False)
    allowed = fields.ListField(subfield=fields.StringField(), required=False)

    def check(self, graph: Any, verbose: bool) -> ContractCheck:
        internal = set(self.internal_names or [])  # type: ignore[arg-type]
        allowed = {a.replace(" ", "") for a in (self.allowed or [])}  # type: ignore[attr-defined]
        found, used = [], set()
        for library in sorted(m for m in graph.modules if graph.is_module_squashed(m)):
            for importer in sorted(graph.find_modules_that_directly_import(library)):
                for detail in graph.get_import_details(importer=importer, imported=library):
                    match = _IMPORTED.match(detail["line_contents"])
                    name = (match.group(1) or match.group(2)) if match else ""
                    if not _private_part(name, internal):
                        continue
                    if f"{importer}->{name}" in allowed:
                        used.add(f"{importer}->{name}")
                        continue
                    found.append(f"{importer}:{detail['line_number']} imports {name}")
        unused = sorted(allowed - used)
        found += [f"allowed but not found (remove it): {a}" for a in unused]
        return ContractCheck(kept=not found, metadata={"found": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for line in check.metadata["found"]:
            output.print_error(f"- {line}", bold=False)
        output.new_line()
