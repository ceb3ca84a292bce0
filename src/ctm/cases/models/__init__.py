from ctm.cases.models.case import Case, CaseAssignment, CaseSequence, CaseShare
from ctm.cases.models.consent import Consent
from ctm.cases.models.context import TraffickingEvent, VictimContext
from ctm.cases.models.minors import BestInterestsAssessment, Guardian
from ctm.cases.models.notes import Attachment, Note
from ctm.cases.models.person import IdentityDocument, Person, PersonPhoneticKey
from ctm.cases.models.screening import EligibilityDecision, ScreeningInterview

__all__ = [
    "Attachment",
    "BestInterestsAssessment",
    "Case",
    "CaseAssignment",
    "CaseSequence",
    "CaseShare",
    "Consent",
    "EligibilityDecision",
    "Guardian",
    "IdentityDocument",
    "Note",
    "Person",
    "PersonPhoneticKey",
    "ScreeningInterview",
    "TraffickingEvent",
    "VictimContext",
]
