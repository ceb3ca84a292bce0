"""Model fields that encrypt identifying data at rest."""

from __future__ import annotations

import json
from typing import Any

from django.db import models

from ctm.core import crypto
from ctm.core.reads import require_identifying_access


class EncryptedTextField(models.TextField):
    """Stores `v1:<key id>:<ciphertext>`; Python code sees the plaintext string.

    The column is bound into the ciphertext (AES-GCM associated data). Filtering on it is meaningless:
    search through the blind indexes instead.

    `identifying=True` (a person's identity): the value decrypts only inside a logged read
    (`ctm.core.reads`); loading it anywhere else raises. The flag changes nothing in the database, so
    it is not part of the field's migration state.
    """

    def __init__(self, *args: Any, identifying: bool = False, **kwargs: Any) -> None:
        self.identifying = identifying
        super().__init__(*args, **kwargs)

    def context(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return value
        if self.identifying:
            require_identifying_access(self)
        return self.decode(crypto.decrypt(value, self.context()))

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
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


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
