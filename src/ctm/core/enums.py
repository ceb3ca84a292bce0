"""Layer 0 of core: roles and organization types (HTCDS values)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASEWORKER = "caseworker", _("Caseworker")
    CASE_MANAGER = "case_manager", _("Case manager")
    ORG_ADMIN = "org_admin", _("Organization admin")
    DATA_MANAGER = "data_manager", _("Data manager")
    FUND_REVIEWER = "fund_reviewer", _("Fund reviewer")
    DIRECTORY_EDITOR = "directory_editor", _("Directory editor")
    AUDITOR = "auditor", _("Auditor")


# Roles whose work reads identifying data about persons (an organization may require 2FA for them).
# The data manager reads names and birth dates on the linkage clerical-review page.
IDENTIFYING_ROLES = frozenset(
    {Role.CASEWORKER, Role.CASE_MANAGER, Role.ORG_ADMIN, Role.DATA_MANAGER, Role.AUDITOR}
)


class OrganizationType(models.TextChoices):
    """HTCDS `org_Type` values."""

    NGO = "NGO", _("Non-governmental organization")
    LAW_ENFORCEMENT = "LawEnforcement", _("Law enforcement")
    HEALTH = "HealthServiceOrganisation", _("Health service organization")
    CENTRAL_GOVERNMENT = "CentralGovernmentOrganisation", _("Central government organization")
    LOCAL_GOVERNMENT = "LocalGovernmentOrganisation", _("Local government organization")
    IMMIGRATION = "ImmigrationService", _("Immigration service")
    LEGAL = "LegalService", _("Legal service")
    BUSINESS = "CorporateBusiness", _("Corporate business")
    SCHOOL = "SchoolOrCollege", _("School or college")


class CaseworkerScope(models.TextChoices):
    OWN = "own", _("Cases they own or are assigned to")
    OFFICE = "office", _("Every case of their office")
