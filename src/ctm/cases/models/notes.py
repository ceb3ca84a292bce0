"""Case notes and attachments, encrypted at rest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.core.fields import EncryptedTextField
from ctm.core.models import TenantModel


class Note(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField(_("note"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("note")

    def __str__(self) -> str:
        return f"Note {self.pk}"


class Attachment(TenantModel):
    """The file's bytes are encrypted with AES-GCM in the database; never on disk in plaintext."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="attachments")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filename = EncryptedTextField(_("file name"))
    description = EncryptedTextField(_("description"), blank=True, default="")
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    key_id = models.CharField(max_length=16)
    blob = models.BinaryField()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("attachment")

    def __str__(self) -> str:
        return f"Attachment {self.pk}"
