"""Shared checks of the release workflow (layer 0)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ctm.privacy.enums import CTDC_COLUMNS

MAX_SHOWN = 8


def check_ctdc_columns(columns: Iterable[str]) -> None:
    """Only CTDC columns may enter a release: any other column could carry identifying data."""
    columns = list(columns)
    unknown = [c for c in columns if c not in CTDC_COLUMNS]
    if unknown:
        shown = ", ".join(unknown[:MAX_SHOWN]) + ("…" if len(unknown) > MAX_SHOWN else "")
        raise ValidationError(
            _(
                "These columns are not in the CTDC schema and could identify someone: %(cols)s. Remove them and upload again."
            )
            % {"cols": shown}
        )
    if len(columns) < 2:
        raise ValidationError(_("The dataset needs at least two CTDC columns."))
    if len(set(columns)) != len(columns):
        raise ValidationError(_("A column name is repeated."))
