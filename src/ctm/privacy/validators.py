"""Shared checks of the release workflow (layer 0)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ctm.privacy.engine.htcds import htcds_domain
from ctm.privacy.enums import CTDC_COLUMNS

MAX_SHOWN = 8


def check_release_columns(columns: Iterable[str]) -> None:
    """Only CTDC columns, or only HTCDS fields that have a public domain, may enter a release: any other
    column (a name, a date of birth, a note) could carry identifying data."""
    columns = [str(c) for c in columns]
    schema = CTDC_COLUMNS if any(c in CTDC_COLUMNS for c in columns) or not columns else htcds_domain().columns
    unknown = [c for c in columns if c not in schema]
    if unknown:
        shown = ", ".join(unknown[:MAX_SHOWN]) + ("…" if len(unknown) > MAX_SHOWN else "")
        raise ValidationError(
            _(
                "These columns are not in the CTDC schema (nor all HTCDS fields with public values) and could "
                "identify someone: %(cols)s. Remove them and upload again."
            )
            % {"cols": shown}
        )
    if len(columns) < 2:
        raise ValidationError(_("The dataset needs at least two columns of the CTDC schema or of HTCDS."))
    if len(set(columns)) != len(columns):
        raise ValidationError(_("A column name is repeated."))
