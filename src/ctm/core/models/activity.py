"""The activity log: append-only, hash-chained, written by domain code."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


class ActivityLog(models.Model):
    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    organization = models.ForeignKey(
        "core.Organization", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True, db_index=True)
    object_label = models.CharField(max_length=120, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    redacted = models.BooleanField(default=False)
    payload_digest = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["organization", "-id"], name="activity_org_idx")]
        verbose_name = _("activity log entry")
        verbose_name_plural = _("activity log")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_label}"

    def payload(self) -> dict[str, Any]:
        return {"object_label": self.object_label, "changes": self.changes}

    def compute_payload_digest(self) -> str:
        return hashlib.sha256(canonical(self.payload()).encode()).hexdigest()

    def header(self) -> dict[str, Any]:
        return {
            "created_at": self.created_at.isoformat(),
            "actor_id": self.actor_id,
            "actor_label": self.actor_label,
            "organization_id": self.organization_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
        }

    def compute_hash(self) -> str:
        text = canonical({"prev": self.prev_hash, "header": self.header(), "payload": self.payload_digest})
        return hashlib.sha256(text.encode()).hexdigest()


class ChainHead(models.Model):
    """One row, locked while an entry is appended, so the chain never forks."""

    last_hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return self.last_hash[:12]
