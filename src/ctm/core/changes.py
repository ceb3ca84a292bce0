"""What an activity-log entry changed, in people's words: one renderer for the activity log page and
every timeline (the case page's is one).

A line per changed value: the field's label in the reader's language ("Stage: Screening →
Assistance"), names of users, offices and organizations instead of ids and codes, countries and
languages by name, yes/no instead of True/False, dates in the reader's format, no empty "nothing →
nothing". Values are translated at display: the log stores codes (it is append-only and sealed).
Nothing is decrypted: a masked value reads "(not shown)".

A key that is the name of a model field of the entry's app (or of another app) takes that field's
label and choices. Keys that are not a field, or whose field is a relation (the log stores its id),
are declared by their app in its `AppConfig.ready()`, as the manager panels are (ctm.core.panels):

    from ctm.core.changes import declare
    declare(labels={"shelter": _("Shelter")}, users={"responsible"}, lists={"checks": ClosureCheck})

`tests/core/test_change_labels.py` reads the source for the keys written to the log and fails on one
without a label.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ctm.core.domain.activity import MASK
from ctm.core.interfaces.choices import country_name, language_name
from ctm.core.models import Office, Organization
from ctm.core.purposes import purpose_text


@dataclass
class Vocabulary:
    """What the apps declared about the keys of their log entries."""

    labels: dict[str, Any] = field(default_factory=dict)  # key → label (lazy translation)
    users: set[str] = field(default_factory=set)  # values are user ids
    offices: set[str] = field(default_factory=set)  # values are office ids (or codes)
    organizations: set[str] = field(default_factory=set)  # values are organization codes
    hidden: set[str] = field(default_factory=set)  # internal record ids: the label says enough
    lists: dict[str, Any] = field(default_factory=dict)  # key → choices (an enum or pairs) of its codes
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # key logged under other fields' names
    summaries: set[str] = field(default_factory=set)  # structured values (weights): the label alone
    phrases: dict[str, Callable[[Any], str | None]] = field(default_factory=dict)  # key → its value's text


VOCABULARY = Vocabulary(
    labels={
        "role": _("Role"),
        "office": _("Office"),
        "platform_admin": _("Platform administrator"),
        "purpose": _("Purpose"),
        "parts": _("Parts of the record"),
        "reader_organization": _("Read by organization"),
        "rows": _("Rows"),
        "format": _("Format"),
        "key_id": _("Key"),
        "blobs": _("Files re-encrypted"),
        "entries": _("Entries"),
        "from_keys": _("Previous keys"),
        "to_key": _("New key"),
        "previous_head": _("Previous end of the chain"),
        "legacy_problem_count": _("Problems found in the old chain"),
        "legacy_problems": _("Problems found"),
    },
    offices={"office"},
    organizations={"reader_organization"},
    summaries={"legacy_problems", "previous_head"},
    phrases={"purpose": purpose_text},  # stored in English, read in the reader's language
)


def declare(
    *,
    labels: dict[str, Any] | None = None,
    users: Iterable[str] = (),
    offices: Iterable[str] = (),
    organizations: Iterable[str] = (),
    hidden: Iterable[str] = (),
    lists: dict[str, Any] | None = None,
    aliases: dict[str, tuple[str, ...]] | None = None,
    summaries: Iterable[str] = (),
) -> None:
    """An app's words for the keys of its log entries (called from its `AppConfig.ready()`)."""
    v = VOCABULARY
    v.labels.update(labels or {})
    v.users.update(users)
    v.offices.update(offices)
    v.organizations.update(organizations)
    v.hidden.update(hidden)
    v.lists.update(lists or {})
    v.aliases.update(aliases or {})
    v.summaries.update(summaries)
    _fields_for.cache_clear()


COUNTRY_HINT = ("country", "citizenship", "countries")
LANGUAGE_HINT = ("language",)


@lru_cache(maxsize=1)
def _index() -> dict[str, list[tuple[str, dict[str, list[Any]]]]]:
    """Every concrete field of every CTM model: by app label, a list of (model name, fields by name)."""
    out: dict[str, list[tuple[str, dict[str, list[Any]]]]] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("ctm."):
            continue
        for model in config.get_models():
            fields: dict[str, list[Any]] = {}
            for f in model._meta.concrete_fields:
                fields.setdefault(f.name, []).append(f)
            out.setdefault(config.label, []).append((model._meta.model_name, fields))
    return out


def fields_for(key: str, app: str = "", thing: str = "") -> list[Any]:
    """The fields named like the key, nearest first: those of the entry's own record (the "document"
    of `cases.document.added` is an identity document: its "number" is not the case's), then of its
    app (a fund request's "state" is not a referral's), then of the other apps."""
    return list(_fields_for(key, app, thing))


@lru_cache(maxsize=4096)
def _fields_for(key: str, app: str, thing: str) -> tuple[Any, ...]:
    """`fields_for`, searched once per (key, app, thing): a timeline asks the same few keys for each
    of its entries (a walk over every model's fields each time was a third of the case page's
    timeline). `declare` forgets the answers (an alias may change them)."""
    names = VOCABULARY.aliases.get(key, (key,))
    ranked: list[tuple[int, Any]] = []
    for label, models in _index().items():
        for model_name, fields in models:
            rank = 2 if label != app else 0 if thing and thing.replace("_", "") in model_name else 1
            ranked.extend((rank, f) for name in names for f in fields.get(name, []))
    return tuple(f for _rank, f in sorted(ranked, key=lambda rf: rf[0]))


class Names:
    """Names for the ids and codes the log stores (users, offices, organizations), read once for a
    whole page of entries."""

    def __init__(self, entries: Iterable[Any]) -> None:
        users: set[int] = set()
        offices: set[int] = set()
        orgs: set[str | int] = set()
        for e in entries:
            if getattr(e, "actor_id", None):
                users.add(e.actor_id)
            for key, pair in (e.changes or {}).items():
                values = _flat(pair)
                if key in VOCABULARY.users:
                    users.update(i for i in values if isinstance(i, int))
                elif key in VOCABULARY.offices:
                    offices.update(i for i in values if isinstance(i, int))
                elif key in VOCABULARY.organizations:
                    orgs.update(i for i in values if isinstance(i, str | int) and not isinstance(i, bool))
        User = get_user_model()
        self.users = {u.pk: u.get_full_name() or u.username for u in User.objects.filter(pk__in=users)}
        self.offices = dict(Office.objects.filter(pk__in=offices).values_list("pk", "name"))
        by_code = Organization.objects.filter(code__in=[o for o in orgs if isinstance(o, str)])
        by_id = Organization.objects.filter(pk__in=[o for o in orgs if isinstance(o, int)])
        self.organizations: dict[str | int, str] = dict(by_code.values_list("code", "name"))
        self.organizations.update(by_id.values_list("pk", "name"))

    def actor(self, entry: Any) -> str:
        return self.users.get(entry.actor_id, entry.actor_label)


def _flat(pair: Any) -> list[Any]:
    out: list[Any] = []
    for v in pair if isinstance(pair, list) else [pair]:
        out.extend(v if isinstance(v, list) else [v])
    return out


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _choice(fields: list[Any], value: Any) -> str | None:
    for f in fields:
        if f.choices and isinstance(value, str | int) and value in dict(f.choices):
            return str(dict(f.choices)[value])
    return None


def _date(value: str) -> str | None:
    """An ISO date or date-time, in the reader's format; None for any other text."""
    if len(value) < 10 or value[4:5] != "-" or value[7:8] != "-":
        return None
    try:
        if len(value) == 10:
            return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        return formats.date_format(datetime.datetime.fromisoformat(value), "DATETIME_FORMAT")
    except ValueError:
        return None


def _named(key: str, value: Any, names: Names) -> str | None:
    """The name of a user, office or organization the log stores by id or code."""
    if key in VOCABULARY.users:
        return names.users.get(value, gettext("a former user"))
    if key in VOCABULARY.offices:
        return names.offices.get(value, str(value)) if isinstance(value, int) else str(value)
    if key in VOCABULARY.organizations:
        return names.organizations.get(value, str(value))
    return None


def _coded(key: str, fields: list[Any], value: Any) -> str | None:
    """The label of a code: a declared phrase's or list's, a field's choice, a country's or a language's name."""
    if key in VOCABULARY.phrases and (text := VOCABULARY.phrases[key](value)) is not None:
        return text
    if key in VOCABULARY.lists:
        choices = VOCABULARY.lists[key]
        return str(dict(getattr(choices, "choices", choices)).get(value, value))
    if (label := _choice(fields, value)) is not None:
        return label
    if isinstance(value, str) and len(value) == 2 and value.isupper() and any(h in key for h in COUNTRY_HINT):
        return country_name(value)
    if isinstance(value, str) and any(h in key for h in LANGUAGE_HINT):
        return language_name(value)
    return None


def _value(key: str, fields: list[Any], value: Any, names: Names) -> str:
    if isinstance(value, list):
        return ", ".join(_value(key, fields, v, names) for v in value) or "—"
    if _empty(value):
        return "—"
    if value == MASK:
        return gettext("(not shown)")
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict):
        return gettext("changed")
    for text in (_named(key, value, names), _coded(key, fields, value)):
        if text is not None:
            return text
    if isinstance(value, str) and (day := _date(value)) is not None:
        return day
    return str(value)


def label(key: str, fields: list[Any]) -> str:
    """The declared label, else the first translated verbose name of a field of that name (a field
    without one is named by Django after itself: its raw name)."""
    if key in VOCABULARY.labels:
        return str(VOCABULARY.labels[key])
    named = [f for f in fields if isinstance(f.verbose_name, Promise)]
    text = str((named or fields)[0].verbose_name) if fields else key.replace("_", " ")
    return text[:1].upper() + text[1:]


def _id_only(key: str, fields: list[Any], pair: Any) -> bool:
    """A record's id (a plan, a service): its label says which kind; the number means nothing."""
    values = [v for v in _flat(pair) if not _empty(v)]
    if not values:
        return False  # nothing to say: left out
    if key in VOCABULARY.hidden or key in VOCABULARY.summaries:
        return True
    ids = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
    named = VOCABULARY.users | VOCABULARY.offices | VOCABULARY.organizations
    return ids and key not in named and any(f.is_relation for f in fields)


def _is_pair(key: str, value: Any) -> bool:
    """[before, after]: a list of two; for a key whose value is a list of codes, two lists (or none)."""
    if not isinstance(value, list) or len(value) != 2:
        return False
    if key in VOCABULARY.lists or key == "parts":
        return all(v is None or isinstance(v, list) for v in value)
    return True


def _fitting(fields: list[Any], pair: Any) -> list[Any]:
    """The fields whose choices hold every code of the value first (a solution's kind, not an
    assistance's, when the value is "return")."""
    codes = [v for v in _flat(pair) if isinstance(v, str) and v]
    fit = [f for f in fields if codes and f.choices and all(c in dict(f.choices) for c in codes)]
    return fit + [f for f in fields if f not in fit]


def change_lines(
    changes: dict[str, Any], names: Names, *, app: str = "", thing: str = "", skip: Iterable[str] = ()
) -> list[str]:
    """One plain line per changed value: "Stage: Screening → Assistance"; empty pairs left out."""
    lines = []
    skipped = set(skip)
    for key, pair in (changes or {}).items():
        if key in skipped:
            continue
        fields = _fitting(fields_for(key, app, thing), pair)
        text = label(key, fields)
        if _id_only(key, fields, pair):
            lines.append(text)
        elif _is_pair(key, pair):
            before, after = pair
            if _empty(before) and _empty(after):
                continue
            if _empty(before):
                lines.append(_line(text, _value(key, fields, after, names)))
            else:
                old, new = _value(key, fields, before, names), _value(key, fields, after, names)
                lines.append(_line(text, f"{old} → {new}"))
        elif not _empty(pair):
            lines.append(_line(text, _value(key, fields, pair, names)))
    return lines


def _line(label: str, value: str) -> str:
    """ "Label: value" (French puts a no-break space before the colon)."""
    return gettext("%(label)s: %(value)s") % {"label": label, "value": value}


def entry_lines(entry: Any, names: Names, *, skip: Iterable[str] = ()) -> list[str]:
    """The lines of one activity-log entry; its action (`app.thing.verb`) says whose fields come first."""
    app, thing, *_rest = [*entry.action.split("."), "", ""]
    return change_lines(entry.changes, names, app=app, thing=thing, skip=skip)
