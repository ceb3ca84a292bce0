"""Retention and erasure: export a person's record, then erase their identifying data.

`shred_person` runs in one transaction: it writes the export archive (when the organization's rule asks
for one, or the operator gives a path), overwrites every encrypted value of every row that belongs to
the person, removes their search keys (blind indexes, phonetic keys), deletes their attachments,
records the erasure (with a digest of the entries it redacts), then redacts (never deletes) those
activity-log entries, each naming the erasure: the chain and the redaction both still verify. The
case number, status, stage, dates and, unless the rule says otherwise, the non-identifying
statistics (gender, age, citizenship, victim context, the countries and dates of the trafficking
events) stay. Running it again finds nothing left and says so.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import Count, Max, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from ctm.cases.domain import person_export
from ctm.cases.domain.person_export import (
    ERASURE_ACTIONS,
    ExportInfo,
    Rows,
    activity_entries,
    export_person,
    linked_rows,
)
from ctm.cases.domain.persons import age_on
from ctm.cases.enums import CLOSED_STATUSES, Gender
from ctm.cases.models import (
    Attachment,
    Case,
    IdentityDocument,
    Person,
    PersonPhoneticKey,
    ScreeningInterview,
    TraffickingEvent,
    VictimContext,
)
from ctm.core.domain.activity import record, redact_entries, redaction_record
from ctm.core.domain.retention import erasure_cutoff, retention_rule_for
from ctm.core.fields import EncryptedTextField, encrypted_fields
from ctm.core.models import ActivityLog, Organization, RetentionRule
from ctm.core.reads import identifying_access
from ctm.core.scopes import organization_scope, scopes_disabled

Step = TypeVar("Step", bound=Callable[..., Any])
ERASURE = "the export and erasure of a person (logged)"


def _in_person_scope(step: Step) -> Step:
    """A step of an erasure runs in the person's organization's scope, whoever calls it: the
    `ctm privacy` command has no request to enter one. It reads the person's identifying data to
    export and overwrite it; the export and the erasure are logged (cases.person.exported, erased)."""

    @wraps(step)
    def scoped(person: Person, *args: Any, **kwargs: Any) -> Any:
        with organization_scope(person.organization_id), identifying_access(ERASURE):
            return step(person, *args, **kwargs)

    return scoped  # type: ignore[return-value]


case_numbers_label = _in_person_scope(person_export.case_numbers_label)

__all__ = [
    "CaseStillOpen",
    "DuePerson",
    "ErasureError",
    "ExportPathError",
    "ExportRequired",
    "NothingToErase",
    "PersonNotFound",
    "ShredResult",
    "case_numbers_label",
    "erase_person",
    "find_person",
    "persons_due",
    "prepare_shred",
    "remaining",
    "shred_person",
]

# Plain (unencrypted) columns that identify: search keys and the place of the screening interview.
PLAIN_IDENTIFYING: dict[type[models.Model], dict[str, Any]] = {
    Person: {"name_birth_index": ""},
    IdentityDocument: {"number_index": "", "expiry_date": None},
    ScreeningInterview: {"place": ""},
}
# Rows that only carry statistics; deleted when the rule does not keep statistics.
STATISTICS_MODELS: tuple[type[models.Model], ...] = (VictimContext, TraffickingEvent, ScreeningInterview)
PERSON_IDENTIFYING: dict[str, Any] = {
    "given_name": "",
    "family_name": "",
    "other_names": [],
    "birth_date": None,
    "contacts": [],
    "address": "",
    "name_birth_index": "",
}
PERSON_STATISTICS: dict[str, Any] = {
    "gender": Gender.UNKNOWN,
    "estimated_age": None,
    "birth_date_is_estimate": False,
    "citizenships": [],
    "languages": [],
}
CASE_STATISTICS = {"citizenship": "", "exploitation_country": "", "exploitation_types": ""}


class ErasureError(Exception):
    """A shred that cannot run; the message says why and what to do."""


class PersonNotFound(ErasureError):
    pass


class CaseStillOpen(ErasureError):
    pass


class ExportRequired(ErasureError):
    pass


class ExportPathError(ErasureError):
    pass


class NothingToErase(ErasureError):
    pass


@dataclass
class ShredResult:
    person_id: int
    case_numbers: str
    export: ExportInfo | None
    erased: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class DuePerson:
    person_id: int
    organization: str
    case_numbers: str
    last_closed_on: datetime.date
    due_since: datetime.date


# --- finding the person -------------------------------------------------------------------------


def find_person(reference: str) -> Person:
    """A person by case number (any of their cases) or by person id, in any organization: the
    platform's data protection officer names them (a read across organizations, on purpose)."""
    ref = reference.strip()
    person: Person | None
    with scopes_disabled(), identifying_access(ERASURE):
        if ref.isdigit():
            person = Person.objects.select_related("organization").filter(pk=int(ref)).first()
        else:
            case = Case.objects.select_related("person__organization").filter(number__iexact=ref).first()
            person = case.person if case is not None else None
    if person is None:
        raise PersonNotFound(_("No case number or person id %(ref)s.") % {"ref": ref or "''"})
    return person


def persons_due(today: datetime.date, organization: Organization | None = None) -> list[DuePerson]:
    """Persons not yet erased whose cases are all closed, the last before the rule's cutoff."""
    orgs = [organization] if organization is not None else list(Organization.objects.order_by("code"))
    due: list[DuePerson] = []
    for org in orgs:
        with organization_scope(org):
            due += _due_in(org, today)
    return due


def _due_in(org: Organization, today: datetime.date) -> list[DuePerson]:
    """The persons of one organization due for erasure under its rule (in its scope)."""
    due: list[DuePerson] = []
    rule = retention_rule_for(org)
    cutoff = erasure_cutoff(rule, today)
    persons = (
        Person.objects.filter(organization=org, erased_at__isnull=True)
        .only("pk", "organization")  # nothing identifying is listed, nothing is decrypted
        .annotate(
            n_cases=Count("cases"),
            n_open=Count("cases", filter=~Q(cases__status__in=CLOSED_STATUSES)),
            last_closed=Max("cases__closed_on"),
        )
        .filter(n_cases__gt=0, n_open=0, last_closed__lte=cutoff)
        .order_by("last_closed", "pk")
    )
    for person in persons:
        due.append(
            DuePerson(
                person_id=person.pk,
                organization=org.code,
                case_numbers=case_numbers_label(person),
                last_closed_on=person.last_closed,
                due_since=_plus_years(person.last_closed, rule.years_after_closure),
            )
        )
    return due


def _plus_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


# --- what is left -------------------------------------------------------------------------------


def _raw(f: EncryptedTextField) -> Cast:
    return Cast(f.attname, models.TextField())


def _identifying_rows(model: type[models.Model], pks: set[Any]) -> int:
    """Rows of `model` among `pks` that still hold an encrypted value or an identifying plain column."""
    q = Q()
    annotations = {}
    for f in encrypted_fields(model):
        annotations[f"_raw_{f.attname}"] = _raw(f)
        q |= Q(**{f"_raw_{f.attname}__gt": ""})
    for name, blank in PLAIN_IDENTIFYING.get(model, {}).items():
        q |= ~Q(**{f"{name}__isnull": True}) if blank is None else Q(**{f"{name}__gt": ""})
    if not q:
        return 0
    return int(model._base_manager.filter(pk__in=pks).annotate(**annotations).filter(q).count())


def _unredacted_entries(person: Person, rows: Rows) -> models.QuerySet[ActivityLog]:
    entries = activity_entries(rows).filter(redacted=False).exclude(action__in=ERASURE_ACTIONS)
    if person.erased_at is not None:  # reads after an erasure show nothing identifying
        entries = entries.filter(created_at__lte=person.erased_at)
    return entries


@_in_person_scope
def remaining(person: Person, rule: RetentionRule, rows: Rows | None = None) -> dict[str, int]:
    """What identifying data is left about the person (counts per kind; empty when nothing is)."""
    rows = rows if rows is not None else linked_rows(person)
    left = {
        model._meta.label_lower: _identifying_rows(model, pks)
        for model, pks in rows.items()
        if model not in (Attachment, PersonPhoneticKey)
    }
    left["attachments"] = len(rows.get(Attachment, ()))
    left["phonetic keys"] = len(rows.get(PersonPhoneticKey, ()))
    left["activity-log entries"] = _unredacted_entries(person, rows).count()
    if not rule.keep_statistics:
        for model in STATISTICS_MODELS:
            left[f"{model._meta.label_lower} (statistics)"] = len(rows.get(model, ()))
    return {k: v for k, v in left.items() if v}


# --- erasure ------------------------------------------------------------------------------------


def _blank(f: models.Field[Any, Any]) -> Any:
    return None if f.null else ""


def _overwrite(model: type[models.Model], pks: set[Any]) -> int:
    """Overwrite the encrypted and identifying plain columns of these rows; returns the rows touched."""
    values = {f.attname: _blank(f) for f in encrypted_fields(model)}
    values.update(PLAIN_IDENTIFYING.get(model, {}))
    if not values or not pks:
        return 0
    touched = _identifying_rows(model, pks)
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        values["updated_at"] = timezone.now()
    model._base_manager.filter(pk__in=pks).update(**values)
    return touched


def _erase_person_row(person: Person, rule: RetentionRule) -> None:
    first_case = person.cases.order_by("opened_on", "pk").first()
    if rule.keep_statistics and person.birth_date and person.estimated_age is None and first_case:
        # The age at the first case survives as a statistic once the birth date is gone.
        person.estimated_age = age_on(person, first_case.opened_on)
    erased = PERSON_IDENTIFYING if rule.keep_statistics else {**PERSON_IDENTIFYING, **PERSON_STATISTICS}
    for name, value in erased.items():
        setattr(person, name, value)
    person.erased_at = timezone.now()
    person.version += 1
    person.save()


def _delete(model: type[models.Model], rows: Rows) -> int:
    return int(model._base_manager.filter(pk__in=rows.get(model, set())).delete()[0])


def _drop_statistics(rows: Rows) -> int:
    n = sum(_delete(model, rows) for model in STATISTICS_MODELS)
    Case.objects.filter(pk__in=rows.get(Case, set())).update(**CASE_STATISTICS)
    return n


def erase_person(person: Person, *, by: Any, rule: RetentionRule) -> dict[str, int]:
    """Erase the person's identifying data (inside the caller's transaction); returns what was done."""
    rows = linked_rows(person)
    entries = list(_unredacted_entries(person, rows))
    done = {
        "rows_overwritten": sum(
            _overwrite(model, pks)
            for model, pks in rows.items()
            if model not in (Person, Attachment, PersonPhoneticKey)
        ),
        "attachments_deleted": _delete(Attachment, rows),
        "phonetic_keys_deleted": _delete(PersonPhoneticKey, rows),
        "statistics_rows_deleted": 0 if rule.keep_statistics else _drop_statistics(rows),
    }
    _erase_person_row(person, rule)
    erased = record(  # first, so that each redacted entry can name it (and it lists them)
        "cases.person.erased",
        actor=by,
        organization=person.organization,
        obj=person,
        label=case_numbers_label(person),
        changes={
            **{k: [None, v] for k, v in done.items()},
            **redaction_record(entries),
            "statistics_kept": [None, rule.keep_statistics],
        },
    )
    done["entries_redacted"] = redact_entries(entries, erasure=erased)
    return done


# --- the whole shred ----------------------------------------------------------------------------


def export_target(path: Path, person: Person) -> Path:
    """The archive's path: `path` itself, or a new file in it when it is a directory."""
    if path.is_dir():
        stem = f"person-{person.pk}-export-{timezone.now():%Y%m%dT%H%M%SZ}"
        names = (f"{stem}.zip", *(f"{stem}-{n}.zip" for n in range(2, 100)))
        return next((path / n for n in names if not (path / n).exists()), path / names[0])
    target = path
    if target.exists():
        raise ExportPathError(
            _("%(path)s already exists; an export never overwrites a file.") % {"path": target}
        )
    if not target.parent.is_dir():
        raise ExportPathError(_("The folder %(path)s does not exist.") % {"path": target.parent})
    return target


def _check_cases_closed(person: Person) -> None:
    open_cases = list(
        person.cases.exclude(status__in=CLOSED_STATUSES).order_by("pk").values_list("number", flat=True)
    )
    if open_cases:
        raise CaseStillOpen(
            _("Case %(numbers)s is still open: close it before erasing the person's data.")
            % {"numbers": ", ".join(open_cases)}
        )


@_in_person_scope
def prepare_shred(person: Person, export_path: Path | None) -> tuple[RetentionRule, Path | None]:
    """Check that the shred can run; returns the rule and the export archive's path."""
    rule = retention_rule_for(person.organization)
    _check_cases_closed(person)
    if export_path is None and rule.require_export:
        raise ExportRequired(
            _("The retention rule of %(org)s requires an export before erasure.")
            % {"org": person.organization.code}
        )
    if not remaining(person, rule):
        raise NothingToErase(
            _("Nothing identifying is left about person %(id)s (%(cases)s): nothing to do.")
            % {"id": person.pk, "cases": case_numbers_label(person)}
        )
    return rule, export_target(export_path, person) if export_path is not None else None


@_in_person_scope
def shred_person(person: Person, *, by: Any, export_path: Path | None = None) -> ShredResult:
    """Export (when asked or required), then erase the person's identifying data, in one transaction."""
    rule, target = prepare_shred(person, export_path)
    try:
        with transaction.atomic():
            person = Person.objects.select_for_update(of=("self",)).select_related("organization").get(pk=person.pk)
            export = export_person(person, target, by=by, purpose="erasure") if target else None
            erased = erase_person(person, by=by, rule=rule)
    except FileExistsError as exc:  # created by someone else since the check: not ours to remove
        raise ExportPathError(
            _("%(path)s already exists; an export never overwrites a file.") % {"path": target}
        ) from exc
    except OSError as exc:
        _remove(target)
        raise ExportPathError(
            _("The export could not be written (%(error)s); nothing was erased.")
            % {"error": exc.strerror or exc}
        ) from exc
    except BaseException:
        _remove(target)  # the transaction rolled back: no export without its activity-log entry
        raise
    return ShredResult(person.pk, case_numbers_label(person), export, erased)


def _remove(path: Path | None) -> None:
    if path is not None:
        path.unlink(missing_ok=True)
