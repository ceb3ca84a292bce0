from ctm.assistance.models.assessment import AssessmentFactor, RiskAssessment
from ctm.assistance.models.plan import AssistancePlan, PlanItem
from ctm.assistance.models.service import ServiceRecord
from ctm.assistance.models.shelter import Shelter, ShelterStay
from ctm.assistance.models.task import Notification, Task

__all__ = [
    "AssessmentFactor",
    "AssistancePlan",
    "Notification",
    "PlanItem",
    "RiskAssessment",
    "ServiceRecord",
    "Shelter",
    "ShelterStay",
    "Task",
]
