"""CTM's privacy engine: k-anonymity, disclosure risk, DP synthetic data, utility. No Django here.

The platform calls two functions with JSON-serialisable configs and gets JSON-serialisable reports:
``anonymize(frame, config) -> (frame, report)`` and ``synthesize(frame, config) -> (frame, report)``.
Every column's domain is public (``domains``, ``codebook``): declared, never read from the data.
"""

from __future__ import annotations

from . import budget
from .anonymize import AnonymizeConfig, anonymize, build_hierarchies
from .domains import Domain, parse_domain, read_domain
from .hierarchies import Hierarchy, read_hierarchy_csv
from .io import InputError, normalise_table, read_table, read_table_bytes, write_table
from .lattice import Criteria
from .measures import privacy_measures
from .risk import reidentification_risk, special_uniques
from .synth import METHODS, SynthesizeConfig, resolve_domain, synthesize
from .synth import RECOMMENDED as RECOMMENDED_METHOD
from .utility import heatmap, utility_report

__all__ = [
    "METHODS",
    "RECOMMENDED_METHOD",
    "AnonymizeConfig",
    "Criteria",
    "Domain",
    "Hierarchy",
    "InputError",
    "SynthesizeConfig",
    "anonymize",
    "budget",
    "build_hierarchies",
    "heatmap",
    "normalise_table",
    "parse_domain",
    "privacy_measures",
    "read_domain",
    "read_hierarchy_csv",
    "read_table",
    "read_table_bytes",
    "reidentification_risk",
    "resolve_domain",
    "special_uniques",
    "synthesize",
    "utility_report",
    "write_table",
]
