"""Layer 0 of cases: states and HTCDS value lists."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Gender(models.TextChoices):
    """HTCDS `prs_Gender`."""

    FEMININE = "Feminine", _("Female")
    MASCULINE = "Masculine", _("Male")
    TRANS_FEMININE = "TransgenderFeminine", _("Transgender (feminine)")
    TRANS_MASCULINE = "TransgenderMasculine", _("Transgender (masculine)")
    NON_CONFORMING = "NonConforming", _("Gender non-conforming")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified / unknown")


class CaseStatus(models.TextChoices):
    """HTCDS `cas_Status`."""

    ACTIVE = "Active", pgettext_lazy("case status", "Active")
    FOLLOW_UP = "FollowUp", pgettext_lazy("case status", "Follow-up")
    CLOSED = "Closed", pgettext_lazy("case status", "Closed")
    CLOSED_REFERRED = "ClosedReferred", pgettext_lazy("case status", "Closed (referred)")


CLOSED_STATUSES = frozenset({CaseStatus.CLOSED, CaseStatus.CLOSED_REFERRED})


class Stage(models.TextChoices):
    SCREENING = "screening", _("Screening")
    ASSISTANCE = "assistance", _("Assistance")
    RETURN = "return", pgettext_lazy("voluntary return", "Return")
    REINTEGRATION = "reintegration", _("Reintegration")
    MONITORING = "monitoring", _("Monitoring")
    CLOSED = "closed", pgettext_lazy("case stage", "Closed")


STAGE_ORDER = [s.value for s in Stage]


class ClosureReason(models.TextChoices):
    PLAN_COMPLETED = "plan_completed", _("Assistance plan completed")
    DECLINED = "declined", _("Person declined further assistance")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    REFERRED = "referred", _("Referred to another organization")
    RE_TRAFFICKED = "re_trafficked", _("Re-trafficked")
    DECEASED = "deceased", _("Deceased")
    NOT_ELIGIBLE = "not_eligible", _("Not a victim of trafficking")
    OTHER = "other", _("Other")


class TraffickingStatus(models.TextChoices):
    """HTCDS `vic_TraffickingStatus`."""

    POSSIBLE = "PossibleVictimOfTrafficking", _("Possible victim of trafficking")
    ACTUAL = "ActualVictimOfTrafficking", _("Actual victim of trafficking")
    NOT_A_VICTIM = "NotAVictimOfTrafficking", _("Not a victim of trafficking")


class DecisionBody(models.TextChoices):
    """HTCDS `vic_TraffickingStatusDecisionMakingOrg`."""

    POLICE = "Police", _("Police")
    NGO = "NGO", _("NGO")
    COURT = "CourtOrProsecution", _("Court or prosecution")
    GOVERNMENT = "NonPoliceGovernmentalOrganization", _("Other government body")
    OTHER = "Other", _("Other")


class DecisionState(models.TextChoices):
    PROPOSED = "proposed", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Sent back")


class Relationship(models.TextChoices):
    """HTCDS `vic_RelationshipToTrafficker`."""

    FAMILIAL = "Familial", _("Family member")
    ACQUAINTED = "Acquainted", _("Acquaintance")
    UNACQUAINTED = "Unaquainted", _("Stranger")


class RecruitmentMethod(models.TextChoices):
    """HTCDS `vic_MethodOfRecruitment`."""

    PLACE_OF_BUSINESS = "AtAPlaceOfBusiness", _("At a place of business")
    EDUCATION = "AtAnEducationalInstitution", _("At an educational institution")
    WORK = "AtWork", _("At work")
    SOCIAL_NETWORK = "ThroughOnlineSocialNetworks", _("Through online social networks")
    ONLINE_AD = "ThroughAnOnlineAdvertisement", _("Through an online advertisement")
    TV_AD = "ThroughATelevisionAdvert", _("Through a television advert")
    NEWSPAPER_AD = "ThroughANewspaperAdvert", _("Through a newspaper advert")
    FAMILY = "ThroughFamilyOrFamilyEvents", _("Through family or family events")
    FRIENDS = "ThroughFriendsOrSocialEvents", _("Through friends or social events")
    OTHER = "Other", _("Other")


class MeansOfControl(models.TextChoices):
    """HTCDS `vic_MethodsOfControl` (the full list)."""

    PHYSICAL_THREATS = "PhysicalThreats", _("Physical threats")
    THREATS_LAW_ENFORCEMENT = "ThreatsLawEnforcement", _("Threats of law enforcement")
    THREATENS_FAMILY = "ThreatensChildrenFamily", _("Threatens children or family")
    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    FALSE_PROMISES = "FalsePromises", _("False promises")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Physical abuse")
    SEXUAL_ABUSE = "SexualAbuse", _("Sexual abuse")
    TAKES_EARNINGS = "TakesEarnings", _("Takes earnings")
    RESTRICTS_FINANCIAL = "RestrictsFinancialAccess", _("Restricts financial access")
    RESTRICTS_MEDICAL = "RestrictsMedicalCare", _("Restricts medical care")
    WITHHOLDS_NECESSITIES = "WithholdsNecessities", _("Withholds necessities")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psychological abuse")
    PSYCHOACTIVE = "PsychoactiveSubstance", _("Psychoactive substances")
    EXCESSIVE_HOURS = "ExcessiveWorkingHours", _("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Withholds documents")
    RESTRICTS_MOVEMENT = "RestrictsMovement", _("Restricts movement")
    OTHER = "Other", _("Other")


class ExploitationType(models.TextChoices):
    """HTCDS `vic_TypeOfExploitation`, plus forced criminality which CTDC counts."""

    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Slavery and similar practices")
    FORCED_MILITARY = "ForcedMilitaryByNonStateActors", _("Forced military service")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_BEGGING = "ForcedBegging", _("Forced begging")
    FORCED_CRIMINALITY = "ForcedCriminality", _("Forced criminality")
    FORCED_ADOPTION = "ForcedAdoption", _("Forced adoption")
    SURROGACY = "Surrogacy", _("Surrogacy")
    OTHER = "Other", _("Other")


class SexExploitationType(models.TextChoices):
    """HTCDS `vic_TypeOfSexExploitation`."""

    PROSTITUTION = "Prostitution", _("Prostitution")
    PORNOGRAPHY = "Pornography", _("Pornography")
    REMOTE = "RemoteInteractiveServices", _("Remote interactive services")
    PRIVATE = "PrivateSexualServices", _("Private sexual services")


class Industry(models.TextChoices):
    """HTCDS `vic_ForcedLabourIndustry` (ISIC sections)."""

    A = "A_AgricultureForestryAndFishing", _("Agriculture, forestry and fishing")
    B = "B_MiningAndQuarrying", _("Mining and quarrying")
    C = "C_Manufacturing", _("Manufacturing")
    D = "D_ElectricityGasSteamAndAirConditioningSupply", _("Electricity, gas, steam supply")
    E = "E_WaterSupplySewerageWasteManagement", _("Water supply, sewerage, waste")
    F = "F_Construction", _("Construction")
    G = "G_WholesaleAndRetailTradeRepairOfMotorVehicles", _("Wholesale and retail trade")
    H = "H_TransportationAndStorage", _("Transportation and storage")
    I = "I_AccommodationAndFoodServiceActivities", _("Accommodation and food services")  # noqa: E741  (ISIC letter)
    J = "J_InformationAndCommunication", _("Information and communication")
    K = "K_FinancialAndInsuranceActivities", _("Financial and insurance activities")
    L = "L_RealEstateActivities", _("Real estate")
    M = "M_ProfessionalScientificAndTechnicalActivities", _("Professional and technical activities")
    N = "N_AdministrativeAndSupportServiceActivities", _("Administrative and support services")
    O = "O_PublicAdministrationAndDefence", _("Public administration and defence")  # noqa: E741  (ISIC letter)
    P = "P_Education", _("Education")
    Q = "Q_HumanHealthAndSocialWorkActivities", _("Human health and social work")
    R = "R_ArtsEntertainmentAndRecreation", _("Arts, entertainment and recreation")
    S = "S_OtherServiceActivities", _("Other service activities")
    T = "T_ActivitiesOfHouseholdsAsEmployers", _("Households as employers (domestic work)")
    U = "U_ActivitiesOfExtraterritorialOrganizations", _("Extraterritorial organizations")


class EventType(models.TextChoices):
    """HTCDS `hte_Type`."""

    RECRUITMENT = "Recruitment", _("Recruitment")
    TRANSIT = "Transit", _("Transit")
    EXPLOITATION = "Exploitation", _("Exploitation")


class ConsentScope(models.TextChoices):
    INTERVIEW = "interview", _("Interview")
    ASSISTANCE = "assistance", _("Assistance")
    PROCESSING = "processing", _("Processing of personal data")
    REFERRAL = "referral", _("Referral to a named organization")
    RESEARCH = "research", _("Inclusion in anonymized research data")
    RETURN = "return", pgettext_lazy("voluntary return", "Voluntary return")


class ConsentGiver(models.TextChoices):
    PERSON = "person", _("The person")
    WITH_GUARDIAN = "guardian", _("The person with a guardian")


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone (E.164)")
    EMAIL = "email", _("Email")
    ADDRESS = "address", _("Address")
    OTHER = "other", _("Other")


class DocumentKind(models.TextChoices):
    PASSPORT = "passport", _("Passport")
    NATIONAL_ID = "national_id", _("National identity card")
    RESIDENCE = "residence", _("Residence permit")
    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    TRAVEL = "travel", _("Travel document")
    OTHER = "other", _("Other")


class ExitMethod(models.TextChoices):
    ESCAPED = "escaped", _("Escaped")
    RESCUED_POLICE = "police", _("Identified by police")
    NGO_OUTREACH = "ngo", _("Identified by an NGO")
    HOTLINE = "hotline", _("Called a hotline")
    SELF_REFERRED = "self", _("Self-referred")
    RELEASED = "released", _("Released by exploiter")
    OTHER = "other", _("Other")
