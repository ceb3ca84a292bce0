"""One router per part of the case register; `ctm.api.urls` mounts them under /api/v1/."""
