"""Multiple systems estimation: Poisson log-linear models on a capture-history table."""

from .estimate import EstimateResult, estimate_population
from .table import CaptureTable, MSEInputError, table_from_frame

__all__ = ["CaptureTable", "EstimateResult", "MSEInputError", "estimate_population", "table_from_frame"]
