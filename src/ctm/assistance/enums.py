"""Layer 0 of assistance: risk levels, vulnerability factors, support types, states.

The vulnerability factors follow IOM's determinants-of-migrant-vulnerability model (IOM Handbook on
Protection and Assistance for Migrants Vulnerable to Violence, Exploitation and Abuse, 2019): factors
at four levels — individual, household or family, community, structural — each of which may be a
risk factor or a protective factor for one person at one time.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SafetyRisk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class FactorLevel(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    HOUSEHOLD = "household", _("Household and family")
    COMMUNITY = "community", _("Community")
    STRUCTURAL = "structural", _("Structural")


class FactorKind(models.TextChoices):
    RISK = "risk", _("Risk factor")
    PROTECTIVE = "protective", _("Protective factor")


class Factor(models.TextChoices):
    """The determinants assessed, each at one level (FACTOR_LEVEL)."""

    # individual
    AGE_GENDER = "age_gender", _("Age, sex and gender identity")
    PHYSICAL_HEALTH = "physical_health", _("Physical health and disability")
    MENTAL_HEALTH = "mental_health", _("Mental health and wellbeing")
    EDUCATION_SKILLS = "education_skills", _("Education, literacy and skills")
    LEGAL_DOCUMENTS = "legal_documents", _("Identity and legal documents")
    INCOME_DEBT = "income_debt", _("Personal income, assets and debt")
    HISTORY_OF_ABUSE = "history_of_abuse", _("History of violence, exploitation or abuse")
    # household and family
    FAMILY_SUPPORT = "family_support", _("Family support and relationships")
    FAMILY_VIOLENCE = "family_violence", _("Violence or neglect in the family")
    FAMILY_INVOLVEMENT = "family_involvement", _("Family involved in recruitment or exploitation")
    HOUSEHOLD_ECONOMY = "household_economy", _("Household income, debt and dependants")
    # community
    SOCIAL_NETWORK = "social_network", _("Social networks and community ties")
    STIGMA = "stigma", _("Stigma and discrimination in the community")
    ACCESS_TO_SERVICES = "access_to_services", _("Access to services (health, education, shelter)")
    LOCAL_OPPORTUNITIES = "local_opportunities", _("Local work and livelihood opportunities")
    TRAFFICKERS_NEARBY = "traffickers_nearby", _("Traffickers or recruiters present in the community")
    # structural
    MIGRATION_STATUS = "migration_status", _("Migration and residence status")
    ACCESS_TO_JUSTICE = "access_to_justice", _("Access to justice and protection")
    SOCIAL_PROTECTION = "social_protection", _("Social protection and labour rights")
    CONFLICT_DISASTER = "conflict_disaster", _("Conflict, disaster or political instability")


FACTOR_LEVEL: dict[str, str] = {
    **dict.fromkeys(
        [
            Factor.AGE_GENDER,
            Factor.PHYSICAL_HEALTH,
            Factor.MENTAL_HEALTH,
            Factor.EDUCATION_SKILLS,
            Factor.LEGAL_DOCUMENTS,
            Factor.INCOME_DEBT,
            Factor.HISTORY_OF_ABUSE,
        ],
        FactorLevel.INDIVIDUAL,
    ),
    **dict.fromkeys(
        [Factor.FAMILY_SUPPORT, Factor.FAMILY_VIOLENCE, Factor.FAMILY_INVOLVEMENT, Factor.HOUSEHOLD_ECONOMY],
        FactorLevel.HOUSEHOLD,
    ),
    **dict.fromkeys(
        [
            Factor.SOCIAL_NETWORK,
            Factor.STIGMA,
            Factor.ACCESS_TO_SERVICES,
            Factor.LOCAL_OPPORTUNITIES,
            Factor.TRAFFICKERS_NEARBY,
        ],
        FactorLevel.COMMUNITY,
    ),
    **dict.fromkeys(
        [
            Factor.MIGRATION_STATUS,
            Factor.ACCESS_TO_JUSTICE,
            Factor.SOCIAL_PROTECTION,
            Factor.CONFLICT_DISASTER,
        ],
        FactorLevel.STRUCTURAL,
    ),
}


class SupportType(models.TextChoices):
    """HTCDS support types (the assistance a person received)."""

    ACCOMMODATION = "accommodation", _("Accommodation or shelter")
    MEDICAL = "medical", _("Medical care")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    LEGAL = "legal", _("Legal counselling and representation")
    DOCUMENTS = "documents", _("Document recovery")
    INTERPRETATION = "interpretation", _("Interpretation")
    FAMILY_TRACING = "family_tracing", _("Family tracing and assessment")
    EDUCATION = "education", _("Education")
    VOCATIONAL = "vocational", _("Vocational training")
    ALLOWANCE = "allowance", _("Financial allowance")
    OTHER = "other", pgettext_lazy("support type", "Other")


class ServiceStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ONGOING = "ongoing", _("Ongoing")
    DELIVERED = "delivered", _("Delivered")
    REFUSED = "refused", _("Refused by the person")
    NOT_AVAILABLE = "not_available", _("Not available")


# Which status may follow which: a delivered, refused or unavailable service is settled.
SERVICE_TRANSITIONS: dict[str, frozenset[str]] = {
    ServiceStatus.PLANNED: frozenset(
        {ServiceStatus.ONGOING, ServiceStatus.DELIVERED, ServiceStatus.REFUSED, ServiceStatus.NOT_AVAILABLE}
    ),
    ServiceStatus.ONGOING: frozenset({ServiceStatus.DELIVERED, ServiceStatus.REFUSED}),
    ServiceStatus.DELIVERED: frozenset(),
    ServiceStatus.REFUSED: frozenset(),
    ServiceStatus.NOT_AVAILABLE: frozenset(),
}


class ProviderKind(models.TextChoices):
    OWN = "own", _("Our organization")
    PARTNER = "partner", _("A partner organization in CTM")
    OUTSIDE = "outside", _("An outside organization")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUPERSEDED = "superseded", _("Superseded")


class AgreementMethod(models.TextChoices):
    SIGNED = "signed", _("Signed by the person")
    VERBAL = "verbal", _("Agreed verbally (witnessed)")
    GUARDIAN = "guardian", _("Agreed by the person and their guardian")


class TaskKind(models.TextChoices):
    HIGH_RISK_FOLLOW_UP = "high_risk_follow_up", _("Follow up a high safety risk")
    ELIGIBILITY_DUE = "eligibility_due", _("Eligibility decision due")
    PLAN_APPROVAL = "plan_approval", _("Assistance plan to approve")
    REFERRAL_ANSWER = "referral_answer", _("Referral received: answer due")
    RETURN_APPROVAL = "return_approval", _("Return to approve")
    MONITORING_3 = "monitoring_3_months", _("Monitoring visit, 3 months after arrival")
    MONITORING_6 = "monitoring_6_months", _("Monitoring visit, 6 months after arrival")
    MONITORING_12 = "monitoring_12_months", _("Monitoring visit, 12 months after arrival")


class ReferralNews(models.TextChoices):
    """What a notification tells the sending organization about its referral (no task of its own)."""

    ACCEPTED = "referral_accepted", _("Your referral was accepted")
    DECLINED = "referral_declined", _("Your referral was declined")
    DELIVERED = "referral_delivered", _("Your referral: services delivered")
    CLOSED = "referral_closed", _("Your referral was closed with feedback")


# A notification announces a task (its kind) or news of a referral.
NOTIFICATION_KINDS = list(TaskKind.choices) + list(ReferralNews.choices)


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


# Days from the event that raises a task to its due date.
TASK_DUE_DAYS: dict[str, int] = {
    TaskKind.HIGH_RISK_FOLLOW_UP: 2,
    TaskKind.ELIGIBILITY_DUE: 7,
    TaskKind.PLAN_APPROVAL: 5,
    TaskKind.REFERRAL_ANSWER: 7,  # the receiving organization's setting decides (ctm.referrals)
    TaskKind.RETURN_APPROVAL: 5,
    # monitoring after a return (ctm.reintegration): due on the visit's month after arrival
    TaskKind.MONITORING_3: 91,
    TaskKind.MONITORING_6: 182,
    TaskKind.MONITORING_12: 365,
}
