"""Which public domain a release uses: declared, or a standard's (CTDC codebook, HTCDS); never guessed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from . import codebook, htcds
from .domains import Domain, parse_domain
from .io import InputError

NAMED = {"ctdc": codebook.ctdc_domain, "htcds": htcds.htcds_domain}


def standard_for(columns: Sequence[str]) -> str | None:
    """"ctdc" or "htcds" when every column belongs to that schema, else None."""
    if codebook.is_ctdc(columns):
        return "ctdc"
    if htcds.is_htcds(columns):
        return "htcds"
    return None


def resolve_domain(spec: str | Mapping[str, Any] | None, columns: Sequence[str]) -> Domain:
    """The public domain of ``columns``: declared, or the CTDC codebook's / HTCDS's for their columns."""
    if isinstance(spec, Mapping):
        domain = parse_domain(spec)
    elif spec is None:
        named = standard_for(columns)
        if named is None:
            known = {**codebook.ctdc_columns(), **htcds.htcds_domain().columns}
            others = [c for c in columns if c not in known] or list(columns)
            raise InputError(
                f"no public domain is known for column(s) {', '.join(others[:6])}: they are in neither the CTDC "
                "schema nor HTCDS (or the file mixes both); declare every column's allowed values in a domain "
                "file (--domain FILE, JSON)"
            )
        domain = NAMED[named]()
    elif spec in NAMED:
        domain = NAMED[spec]()
    else:
        raise InputError(f"unknown domain {spec!r} (ctdc, htcds, or a domain declaration)")
    domain.require(list(columns))
    return domain
