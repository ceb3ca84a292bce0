"""Writes on persons: identifying data, blind indexes and documents."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from ctm.cases.domain.common import apply, bump_version, log_change, require_write, snapshot
from ctm.cases.models import Case, IdentityDocument, Person, PersonPhoneticKey
from ctm.cases.models.context import ADULT_AGE
from ctm.cases.models.person import PERSON_SENSITIVE
from ctm.core import crypto
from ctm.core.domain.activity import record
from ctm.core.reads import identifying_access
from ctm.core.scopes import organization_scope

# A write on a person reads the values it replaces to log what changed (masked): its own log entry
# accounts for the read.
WRITE = "a write on the person, logged as its change"
REINDEX = "the search keys recomputed, logged with their count"

PERSON_FIELDS = [
    "given_name",
    "family_name",
    "other_names",
    "gender",
    "birth_date",
    "birth_date_is_estimate",
    "estimated_age",
    "citizenships",
    "languages",
    "contacts",
    "address",
]


def age_on(person: Person, day: datetime.date) -> int | None:
    if person.birth_date:
        b = person.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))
    return person.estimated_age


def refresh_indexes(person: Person) -> None:
    """Recompute the blind indexes from the plaintext held in memory: the exact name + birth date, and
    the search keys (`search_digests`)."""
    bd = bd_iso(person)
    person.name_birth_index = crypto.name_birth_index(person.full_name, bd) if person.full_name and bd else ""
    PersonPhoneticKey.objects.filter(person=person).delete()
    PersonPhoneticKey.objects.bulk_create(
        PersonPhoneticKey(organization_id=person.organization_id, person=person, digest=digest)
        for digest in sorted(search_digests(person))
    )


def search_digests(person: Person) -> set[str]:
    """Keyed hashes a person is found by, never their plaintext: each word of every name (as spelled,
    as it sounds, and its spellings one letter away), the sound with the birth year, the birth year
    and date."""
    year = person.birth_date.year if person.birth_date else None
    names = [person.full_name, *(person.other_names or [])]
    tokens = {t for name in names for t in crypto.name_tokens(name)}
    codes = {crypto.phonetic_code(t) for t in tokens} - {""}
    digests = {crypto.name_token_index(t) for t in tokens} | {crypto.name_sound_index(c) for c in codes}
    digests |= {crypto.name_near_index(n) for t in tokens for n in crypto.near_spellings(t)}
    digests |= {crypto.phonetic_index(c, year) for c in crypto.phonetic_tokens(person.full_name)}
    if person.birth_date:
        digests |= {crypto.birth_year_index(person.birth_date.year), crypto.birth_date_index(bd_iso(person))}
    return digests


def refresh_search_keys(organization: Any, *, actor: str) -> int:
    """Recompute the search keys of every person of an organization (after an upgrade that adds a
    kind of key, or a new blind-index key): one activity-log entry names the count, no person."""
    with organization_scope(organization), transaction.atomic(), identifying_access(REINDEX):
        persons = list(Person.objects.filter(organization=organization, erased_at__isnull=True))
        for person in persons:
            refresh_indexes(person)
            person.save(update_fields=["name_birth_index"])
        record(
            "cases.person.reindexed",
            actor=actor,
            organization=organization,
            changes={"persons": len(persons)},
        )
    return len(persons)


def bd_iso(person: Person) -> str:
    return person.birth_date.isoformat() if person.birth_date else ""


def build_person(organization: Any, by: Any, data: dict[str, Any]) -> Person:
    person = Person(organization=organization, created_by=by.user)
    apply(person, {k: v for k, v in data.items() if k in PERSON_FIELDS})
    return person


def update_person(case: Case, *, by: Any, data: dict[str, Any], version: int | None = None) -> Person:
    require_write(by, case)
    with transaction.atomic(), identifying_access(WRITE):
        person = case.person
        old = snapshot(person, PERSON_FIELDS)
        changed = apply(person, {k: v for k, v in data.items() if k in PERSON_FIELDS})
        bump_version(person, version, changed=bool(changed))
        if not changed:
            return person
        refresh_indexes(person)
        person.save(update_fields=[*changed, "name_birth_index", "updated_at"])
        sync_minor_flag(case, person)
        log_change("cases.person.updated", by, case, old, snapshot(person, PERSON_FIELDS), PERSON_SENSITIVE)
    return person


def sync_minor_flag(case: Case, person: Person) -> None:
    age = age_on(person, case.opened_on or timezone.localdate())
    is_minor = age is not None and age < ADULT_AGE
    if case.is_minor != is_minor and age is not None:
        case.is_minor = is_minor
        case.save(update_fields=["is_minor"])
    if person.citizenships and case.citizenship != person.citizenships[0]:
        case.citizenship = person.citizenships[0]
        case.save(update_fields=["citizenship"])


def add_document(case: Case, *, by: Any, data: dict[str, Any]) -> IdentityDocument:
    require_write(by, case)
    with transaction.atomic():
        doc = IdentityDocument(organization=case.organization, person_id=case.person_id, **data)
        doc.number_index = crypto.document_index(doc.number)
        doc.save()
        log_change(
            "cases.document.added",
            by,
            case,
            {},
            {"kind": doc.kind, "number": doc.number, "issuing_country": doc.issuing_country},
            ("number",),
        )
    return doc


def remove_document(case: Case, document: IdentityDocument, *, by: Any) -> None:
    require_write(by, case)
    if document.person_id != case.person_id:
        raise IdentityDocument.DoesNotExist
    with transaction.atomic():
        kind = document.kind
        document.delete()
        log_change("cases.document.removed", by, case, {"kind": kind, "number": "x"}, {}, ("number",))
