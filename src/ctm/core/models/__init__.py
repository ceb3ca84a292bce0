from ctm.core.models.activity import ActivityLog, ChainHead
from ctm.core.models.base import ScopedManager, TenantModel, TimestampedModel
from ctm.core.models.organization import Membership, Office, Organization

__all__ = [
    "ActivityLog",
    "ChainHead",
    "Membership",
    "Office",
    "Organization",
    "ScopedManager",
    "TenantModel",
    "TimestampedModel",
]
