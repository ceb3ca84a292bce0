"""CTM's privacy engine: k-anonymity, disclosure risk, DP synthetic data, utility. No Django here.

The platform calls two functions with JSON-serialisable configs and gets JSON-serialisable reports:
``anonymize(frame, config) -> (frame, report)`` and ``synthesize(frame, config) -> (frame, report)``.
"""

from __future__ import annotations

from . import budget
from .anonymize import AnonymizeConfig, anonymize, build_hierarchies
from .hierarchies import Hierarchy, read_hierarchy_csv
from .io import InputError, normalise_table, read_table, read_table_bytes, write_table
from .lattice import Criteria
from .measures import privacy_measures
from .risk import reidentification_risk, special_uniques
from .synth import METHODS, SynthesizeConfig, synthesize
from .synth import RECOMMENDED as RECOMMENDED_METHOD
from .utility import heatmap, utility_report

__all__ = [
    "METHODS",
    "RECOMMENDED_METHOD",
    "AnonymizeConfig",
    "Criteria",
    "Hierarchy",
    "InputError",
    "SynthesizeConfig",
    "anonymize",
    "budget",
    "build_hierarchies",
    "heatmap",
    "normalise_table",
    "privacy_measures",
    "read_hierarchy_csv",
    "read_table",
    "read_table_bytes",
    "reidentification_risk",
    "special_uniques",
    "synthesize",
    "utility_report",
    "write_table",
]
