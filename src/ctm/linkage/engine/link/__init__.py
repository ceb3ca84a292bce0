"""Record linkage with splink: normalise names across scripts, score pairs, cluster, evaluate."""

from .clusters import ReviewDecisions, cluster_pairs, match_weight_histogram, pairs_for_review
from .evaluate import LinkageScores, evaluate
from .generate import generate_lists
from .linking import STAGES as LINK_STAGES
from .linking import LinkageInputError, LinkResult, link_lists, linkage_checks, overlap_table
from .splink_model import BACKENDS, LinkSettings, interrupt_running

__all__ = [
    "BACKENDS",
    "LINK_STAGES",
    "LinkResult",
    "LinkSettings",
    "LinkageInputError",
    "LinkageScores",
    "ReviewDecisions",
    "cluster_pairs",
    "evaluate",
    "generate_lists",
    "interrupt_running",
    "link_lists",
    "linkage_checks",
    "match_weight_histogram",
    "overlap_table",
    "pairs_for_review",
]
