"""Schemas of the manager views' panels."""

from __future__ import annotations

import datetime

from ninja import Schema


class PanelOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[list[int | float | str]]
    note: str
    office: int | None  # the office the figures are restricted to (None: the whole organization)
    # When the figures were counted (the snapshot's time; None: counted for this request)
    as_of: datetime.datetime | None
