from ctm.reintegration.models.closure import ClosureChecklist
from ctm.reintegration.models.monitoring import MonitoringVisit, ScoringSettings
from ctm.reintegration.models.plan import Disbursement, ReintegrationAssistance, ReintegrationPlan
from ctm.reintegration.models.solution import DurableSolution, ItineraryLeg, TravelDocument

__all__ = [
    "ClosureChecklist",
    "Disbursement",
    "DurableSolution",
    "ItineraryLeg",
    "MonitoringVisit",
    "ReintegrationAssistance",
    "ReintegrationPlan",
    "ScoringSettings",
    "TravelDocument",
]
