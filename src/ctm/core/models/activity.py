"""The activity log: append-only, chained with a keyed hash (HMAC), written by domain code.

Each entry carries the id of the audit key that sealed it (`key_id`), a keyed digest of its payload
(label and old→new values) and a keyed hash over the previous entry's hash, its header and that
digest. The keys live outside the database (`ctm.core.audit_crypto`): someone who can write the
database can neither recompute an entry nor move the head without `ctm audit verify` seeing it.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.core import audit_crypto

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
    key_id = models.CharField(max_length=16, blank=True, default="")  # "" before the keyed chain
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
        return audit_crypto.mac(self.key_id, canonical({"payload": self.payload()}))

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
        return audit_crypto.mac(self.key_id, text)


class ChainHead(models.Model):
    """One row, locked while an entry is appended, so the chain never forks. Its MAC binds the last
    hash to the audit key, so the head cannot be moved back to an earlier entry's hash."""

    last_hash = models.CharField(max_length=64, default=GENESIS)
    key_id = models.CharField(max_length=16, blank=True, default="")
    mac = models.CharField(max_length=64, blank=True, default="")

    def __str__(self) -> str:
        return self.last_hash[:12]

    def compute_mac(self) -> str:
        return audit_crypto.mac(self.key_id, canonical({"head": self.last_hash}))

    def move_to(self, last_hash: str) -> None:
        self.last_hash, self.key_id = last_hash, audit_crypto.current_key_id()
        self.mac = self.compute_mac()
        self.save(update_fields=["last_hash", "key_id", "mac"])
