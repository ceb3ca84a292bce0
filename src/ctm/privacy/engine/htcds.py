"""The Human Trafficking Case Data Standard (HTCDS 2.0, IOM, CC BY 4.0) as public domains.

A file whose columns are HTCDS field names (``prs_Gender``, ``vic_TypeOfExploitation``...) gets its
domains from the standard's value lists, as a CTDC file gets the CTDC codebook's: picklists become code
lists, multi-select picklists ``;``-joined lists (Salesforce's separator), ISO 3166 and ISO 639 fields
the standards' code lists, the two counts bounds (age 0-120, children 0-30), check boxes true/false.
Dates, free text, social-media handles, coordinates and lookups have no public domain: they identify
people, and a release of them is refused unless a domain file declares them.

``htcds_fields.json`` beside this module is what ``field_domains`` reads from the standard's CSV
(``htcds_field_standards_2.0.csv``, in IOM's HTCDS repository); regenerate it with
``python -m ctm.privacy.engine.htcds FIELD_STANDARDS.csv > htcds_fields.json``.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from .domains import Domain, parse_domain

SOURCE = "HTCDS 2.0 field standards"
VENDORED = Path(__file__).with_name("htcds_fields.json")
BOUNDS = {"vic_AgeWhenTrafficked": [0, 120], "prs_NumberOfChildren": [0, 30]}


def field_domains(path: str | Path) -> dict[str, Any]:
    """Domain declarations (``domains.parse_domain``'s format) of the HTCDS fields that have a public one."""
    out: dict[str, Any] = {}
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = (row.get("Field Name including Prefix") or "").strip()
            kind = (row.get("Field Type") or "").strip()
            spec = _spec(name, kind, row.get("Value Names (if picklist)") or "", row.get("Value Labels (if picklist)") or "")
            if name and spec is not None:
                out[name] = spec
    return out


def _spec(name: str, kind: str, names: str, labels: str) -> dict[str, Any] | None:
    multiple = kind == "Multiselect Picklist"
    text = f"{names} {labels}"
    if "Picklist" in kind and "ISO 3166" in text:
        return {"standard": "ISO 3166-1", "multiple": multiple}
    if "Picklist" in kind and "ISO 639" in text:
        return {"standard": "ISO 639", "multiple": multiple}
    values = [v.strip() for v in names.splitlines() if v.strip()]
    if kind in ("Picklist", "Multiselect Picklist") and values:
        return {"labels": values, "separator": ";"} if multiple else {"values": values}
    if kind == "Checkbox":
        return {"values": ["false", "true"]}
    if kind == "Number" and name in BOUNDS:
        return {"bounds": BOUNDS[name]}
    return None


@lru_cache(maxsize=1)
def htcds_domain() -> Domain:
    return parse_domain(json.loads(VENDORED.read_text(encoding="utf-8")), SOURCE)


def is_htcds(columns: Sequence[str]) -> bool:
    """Whether every column is an HTCDS field with a public domain."""
    known = htcds_domain().columns
    return bool(columns) and all(c in known for c in columns)


if __name__ == "__main__":  # pragma: no cover - the vendored file's regeneration
    json.dump(field_domains(sys.argv[1]), sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")
