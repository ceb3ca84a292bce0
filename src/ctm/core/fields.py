"""Model fields that encrypt identifying data at rest."""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.db.models.query_utils import DeferredAttribute

from ctm.core import crypto
from ctm.core.reads import IdentifyingReadError, identifying_access_open, require_identifying_access


class Sealed:
    """An identifying value loaded outside a logged read: the ciphertext, opened only inside one.

    A model attribute holding it opens it when read (`SealedAttribute`), so reading it outside
    `identifying_access` raises; `values()` hands it out as is, and it refuses to become text."""

    __slots__ = ("ciphertext", "field")

    def __init__(self, field: EncryptedTextField, ciphertext: str) -> None:
        self.field = field
        self.ciphertext = ciphertext

    def open(self) -> Any:
        require_identifying_access(self.field)
        return self.field.decode(crypto.decrypt(self.ciphertext, self.field.context()))

    def __str__(self) -> str:
        raise IdentifyingReadError(
            f"{self.field.model.__name__}.{self.field.name} is sealed: read it through a door that logs"
        )

    def __repr__(self) -> str:
        return "<sealed>"


class SealedAttribute(DeferredAttribute):
    """The one choke point of identifying reads: the model attribute of an identifying field. A value
    loaded outside a logged read stays sealed on the instance and opens (decrypts) only when read
    inside `identifying_access`; saving the row without reading it writes the ciphertext back."""

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = value.open()
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class EncryptedTextField(models.TextField):
    """Stores `v1:<key id>:<ciphertext>`; Python code sees the plaintext string.

    The column is bound into the ciphertext (AES-GCM associated data). Filtering on it is meaningless:
    search through the blind indexes instead.

    Identifying by default (a person's identity, and any free text about a person: notes,
    narratives, places, reasons, file names): the value decrypts only inside a logged read
    (`ctm.core.reads`); read anywhere else, it raises (`SealedAttribute`). `identifying=False` is for
    secrets that are not about a person (a TOTP key), listed with a reason in
    `tests/core/test_sealed_fields.py`. The flag changes nothing in the database, so it is not part of
    the field's migration state.
    """

    descriptor_class = SealedAttribute

    def __init__(self, *args: Any, identifying: bool = True, **kwargs: Any) -> None:
        self.identifying = identifying
        super().__init__(*args, **kwargs)

    def context(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        if self.identifying and not identifying_access_open():
            return Sealed(self, value)
        return self.decode(crypto.decrypt(value, self.context()))

    def to_python(self, value: Any) -> Any:
        return value

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        return model_instance.__dict__.get(self.attname)  # a sealed value is written back unread

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Sealed):
            return value.ciphertext
        if value is None or value == "":
            return value
        return crypto.encrypt(self.encode(value), self.context())

    def encode(self, value: Any) -> str:
        return str(value)

    def decode(self, text: str) -> Any:
        return text


class EncryptedJSONField(EncryptedTextField):
    """A JSON value (list or dict) encrypted as one ciphertext."""

    def encode(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)

    def decode(self, text: str) -> Any:
        return json.loads(text)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Sealed):
            return value.ciphertext
        if value is None or value in ("", [], {}):
            return "" if value is not None else None
        return crypto.encrypt(self.encode(value), self.context())

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if not value:
            return self.empty()
        return super().from_db_value(value, expression, connection)

    def empty(self) -> Any:
        return [] if self.default is list else {}


class EncryptedDateField(EncryptedTextField):
    """A date stored encrypted (ISO text inside)."""

    def encode(self, value: Any) -> str:
        return value.isoformat() if hasattr(value, "isoformat") else str(value)

    def decode(self, text: str) -> Any:
        import datetime

        return datetime.date.fromisoformat(text)

    def to_python(self, value: Any) -> Any:
        import datetime

        if isinstance(value, str) and value:
            return datetime.date.fromisoformat(value)
        return value


def holds_value(instance: models.Model, name: str) -> bool:
    """Whether an encrypted field holds something, without opening it (a sealed value is never empty)."""
    value = instance.__dict__.get(instance._meta.get_field(name).attname)
    return value is not None and not (isinstance(value, str | list | dict) and not value)


def open_sealed(*instances: models.Model) -> None:
    """Open every sealed value of these instances now — to be called inside `identifying_access`, by a
    door that logs the read (it raises anywhere else)."""
    for instance in instances:
        for field in encrypted_fields(type(instance)):
            getattr(instance, field.attname)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
