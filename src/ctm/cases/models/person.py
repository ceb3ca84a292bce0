"""The person: identifying data, all encrypted at rest, searchable only through blind indexes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.cases.enums import DocumentKind, Gender
from ctm.core.fields import EncryptedDateField, EncryptedJSONField, EncryptedTextField
from ctm.core.models import TenantManager, TenantModel

# Fields whose values never reach a log or a URL in plaintext.
PERSON_SENSITIVE = ("given_name", "family_name", "other_names", "birth_date", "contacts", "address")


class Person(TenantModel):
    given_name = EncryptedTextField(_("given name"), blank=True, default="", identifying=True)
    family_name = EncryptedTextField(_("family name"), blank=True, default="", identifying=True)
    other_names = EncryptedJSONField(_("other names"), blank=True, default=list, identifying=True)
    gender = models.CharField(_("gender"), max_length=24, choices=Gender.choices, default=Gender.UNKNOWN)
    birth_date = EncryptedDateField(_("birth date"), blank=True, null=True, identifying=True)
    birth_date_is_estimate = models.BooleanField(_("birth date is an estimate"), default=False)
    estimated_age = models.PositiveSmallIntegerField(
        _("estimated age"), null=True, blank=True, help_text=_("When the birth date is unknown.")
    )
    citizenships = models.JSONField(_("citizenships"), default=list, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    contacts = EncryptedJSONField(_("contacts"), blank=True, default=list, identifying=True)
    address = EncryptedTextField(_("address"), blank=True, default="", identifying=True)
    name_birth_index = models.CharField(max_length=40, blank=True, db_index=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    erased_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("person")
        indexes = [models.Index(fields=["organization", "name_birth_index"], name="person_org_nbi")]

    def __str__(self) -> str:
        return f"Person {self.pk}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_name, self.family_name) if p)


class PersonPhoneticKey(models.Model):
    """The search keys of a person (`cases.domain.persons.search_digests`): keyed hashes of each word of
    their names as spelled and as it sounds, of the sound with the birth year, of the birth year and
    date. Search and the duplicate check compare hashes, never plaintext."""

    organization = models.ForeignKey("core.Organization", on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phonetic_keys")
    digest = models.CharField(max_length=40)

    objects = TenantManager()  # tenant-owned without timestamps: the manager alone

    class Meta:
        indexes = [models.Index(fields=["organization", "digest"], name="phonetic_org_digest")]

    def __str__(self) -> str:
        return self.digest[:8]


class IdentityDocument(TenantModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("document type"), max_length=24, choices=DocumentKind.choices)
    number = EncryptedTextField(_("document number"), identifying=True)
    number_index = models.CharField(max_length=40, db_index=True)
    issuing_country = models.CharField(_("issuing country"), max_length=2, blank=True)
    expiry_date = models.DateField(_("expiry date"), null=True, blank=True)
    held_by_trafficker = models.BooleanField(_("held by the trafficker"), default=False)

    class Meta:
        verbose_name = _("identity document")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.issuing_country})"
