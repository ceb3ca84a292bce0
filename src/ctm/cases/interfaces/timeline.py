"""The case timeline in people's words: who (their name), did what (the action's label), when, and
what changed (field labels and values in the reader's language: names of users, offices, countries
and languages instead of ids and codes, yes/no instead of True/False, no empty "nothing → nothing").

Values are translated at display: the log stores codes (it is append-only and sealed).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ctm.accounts.models import User
from ctm.cases import enums
from ctm.cases.interfaces.choices import country_name, language_choices
from ctm.core.domain.activity import MASK
from ctm.core.models import Office
from ctm.core.phrases import action_label

# Keys of the log that are not a field of a model (or whose field is a relation: its id is stored).
LABELS = {
    "owner": _("Owner"),
    "assignees": _("Assigned caseworkers"),
    "office": _("Office"),
    "shared_with": _("Shared with"),
    "attachments": _("Files shared too"),
    "consent": _("Consent"),
    "attachment": _("Attachment"),
    "note": _("Note"),
    "task": _("Task"),
    "shelter": _("Shelter"),
    "referral_organization": _("Organization named in the consent"),
}
USERS = {"owner", "assignees", "interviewer", "responsible", "assessor", "proposed_by", "reviewed_by"}
OFFICES = {"office"}
HIDDEN_VALUES = {"consent", "attachment"}  # internal record ids: the label says enough (and any relation)
ALIASES = {
    "task": ("kind", "status")
}  # a key logged under other names than its fields' (a task's kind → its state)
LISTS = {  # lists of codes stored as text, labelled by their enum
    "means_of_control": enums.MeansOfControl,
    "exploitation_types": enums.ExploitationType,
    "sex_exploitation_types": enums.SexExploitationType,
}
COUNTRY_HINT = ("country", "citizenship", "countries")
LANGUAGE_HINT = ("language",)


@dataclass
class Entry:
    when: datetime.datetime
    who: str
    what: str
    details: list[str] = field(default_factory=list)


def _fields() -> dict[str, list[models.Field]]:
    """Every field of the case's records by name (a name may be a field of several models: a case's
    status and a service's status)."""
    index: dict[str, list[Any]] = {}
    for label in ("cases", "assistance"):
        if not apps.is_installed(f"ctm.{label}"):
            continue
        for model in apps.get_app_config(label).get_models():
            for f in model._meta.concrete_fields:
                index.setdefault(f.name, []).append(f)
    return index


def _choice(fields: list[Any], value: Any) -> str | None:
    for f in fields:
        if f.choices and value in dict(f.choices):
            return str(dict(f.choices)[value])
    return None


class _Names:
    """Names for the ids the log stores (users, offices), read once for a whole timeline."""

    def __init__(self, entries: list[Any]) -> None:
        users: set[int] = set()
        offices: set[int] = set()
        for e in entries:
            for key, pair in (e.changes or {}).items():
                ids = users if key in USERS else offices if key in OFFICES else None
                if ids is not None:
                    ids.update(i for i in _flat(pair) if isinstance(i, int))
        self.users = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=users)}
        self.offices = dict(Office.objects.filter(pk__in=offices).values_list("pk", "name"))


def _flat(pair: Any) -> list[Any]:
    out: list[Any] = []
    for v in pair if isinstance(pair, list) else [pair]:
        out.extend(v if isinstance(v, list) else [v])
    return out


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _value(key: str, fields: list[Any], value: Any, names: _Names) -> str:
    if isinstance(value, list):
        return ", ".join(_value(key, fields, v, names) for v in value) or "—"
    if _empty(value):
        return "—"
    if value == MASK:
        return gettext("(not shown)")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if key in USERS:
        return names.users.get(value, gettext("a former user"))
    if key in OFFICES:
        return names.offices.get(value, "—")
    if key in LISTS:
        return str(dict(LISTS[key].choices).get(value, value))
    if (label := _choice(fields, value)) is not None:
        return label
    if isinstance(value, str) and len(value) == 2 and value.isupper() and any(h in key for h in COUNTRY_HINT):
        return country_name(value)
    if any(h in key for h in LANGUAGE_HINT):
        return str(dict(language_choices()).get(value, value))
    return str(value)


def _label(key: str, fields: list[Any]) -> str:
    if key in LABELS:
        return str(LABELS[key])
    text = str(fields[0].verbose_name) if fields else key.replace("_", " ")
    return text[:1].upper() + text[1:]


def _id_only(key: str, fields: list[Any], pair: Any) -> bool:
    """A record's id (a plan, a service): its label says which kind; the number means nothing."""
    if key in HIDDEN_VALUES:
        return True
    ids = all((isinstance(v, int) and not isinstance(v, bool)) or v is None for v in _flat(pair))
    return ids and key not in USERS | OFFICES and any(f.is_relation for f in fields)


def change_lines(
    changes: dict[str, Any], names: _Names, index: dict[str, list[Any]] | None = None
) -> list[str]:
    """One plain line per changed value: "Stage: Screening → Assistance"; empty pairs left out."""
    index = _fields() if index is None else index
    lines = []
    for key, pair in (changes or {}).items():
        if key in ("purpose", "parts", "reader_organization"):  # a read's bookkeeping, not a change
            continue
        fields = [f for name in ALIASES.get(key, (key,)) for f in index.get(name, [])]
        label = _label(key, fields)
        if _id_only(key, fields, pair):
            lines.append(label)
        elif isinstance(pair, list) and len(pair) == 2:
            before, after = pair
            if _empty(before) and _empty(after):
                continue
            if _empty(before):
                lines.append(f"{label}: {_value(key, fields, after, names)}")
            else:
                lines.append(
                    f"{label}: {_value(key, fields, before, names)} → {_value(key, fields, after, names)}"
                )
        elif not _empty(pair):
            lines.append(f"{label}: {_value(key, fields, pair, names)}")
    return lines


def _what(action: str) -> str:
    label = str(action_label(action))
    return gettext("Another change to the case") if label == action else label


def timeline_entries(entries: Any) -> list[Entry]:
    entries = list(entries)
    names = _Names(entries)
    index = _fields()
    actors = {e.actor_id for e in entries if e.actor_id}
    people = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=actors)}
    return [
        Entry(
            when=e.created_at,
            who=people.get(e.actor_id, e.actor_label),
            what=_what(e.action),
            details=change_lines(e.changes, names, index),
        )
        for e in entries
    ]
