from ctm.linkage.models.estimate import Estimate
from ctm.linkage.models.run import LinkageRun, LinkedRecord, ListUpload, ScoredPair

__all__ = ["Estimate", "LinkageRun", "LinkedRecord", "ListUpload", "ScoredPair"]
