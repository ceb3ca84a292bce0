from ctm.core.models.activity import ActivityLog, ChainHead
from ctm.core.models.base import TenantManager, TenantModel, TimestampedModel
from ctm.core.models.dashboard import PanelSnapshot
from ctm.core.models.organization import Membership, Office, Organization
from ctm.core.models.retention import RetentionRule

__all__ = [
    "ActivityLog",
    "ChainHead",
    "Membership",
    "Office",
    "Organization",
    "PanelSnapshot",
    "RetentionRule",
    "TenantManager",
    "TenantModel",
    "TimestampedModel",
]
