"""Record linkage across lists and multiple systems estimation (plain Python, no Django).

Public surface: estimate the hidden population from an overlap table (`estimate_population`), link and
deduplicate lists of people (`link_lists`), turn clusters into an overlap table (`overlap_table`),
generate labelled test lists (`generate_lists`) and score a linkage against the truth (`evaluate`).
"""

from .link import (
    BACKENDS,
    LINK_STAGES,
    LinkageInputError,
    LinkageScores,
    LinkResult,
    LinkSettings,
    ReviewDecisions,
    cluster_pairs,
    evaluate,
    generate_lists,
    interrupt_running,
    link_lists,
    linkage_checks,
    match_weight_histogram,
    overlap_table,
    pairs_for_review,
)
from .mse import CaptureTable, EstimateResult, MSEInputError, estimate_population, table_from_frame
from .mse.selection import METHODS

__all__ = [
    "BACKENDS",
    "LINK_STAGES",
    "METHODS",
    "CaptureTable",
    "EstimateResult",
    "LinkResult",
    "LinkSettings",
    "LinkageInputError",
    "LinkageScores",
    "MSEInputError",
    "ReviewDecisions",
    "cluster_pairs",
    "estimate_population",
    "evaluate",
    "generate_lists",
    "interrupt_running",
    "link_lists",
    "linkage_checks",
    "match_weight_histogram",
    "overlap_table",
    "pairs_for_review",
    "table_from_frame",
]
