"""Is the person being registered already in the register? Candidates scored on what two records of
one person share — name words (as spelled, as they sound, one typo apart, in any script), birth date,
birth year within one, estimated age, sex, citizenship — and what tells two people apart (another
birth year, another sex). Compared through blind indexes and plain columns: nothing is decrypted.
The weights and threshold are measured in tests/cases/test_duplicate_detection.py."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from ctm.cases.models import Person, PersonPhoneticKey
from ctm.core import crypto

THRESHOLD = 3.5  # a candidate scoring this much is shown
MAX_CANDIDATES = 20
YEARS_AROUND = 2  # birth years compared on either side of the new person's
TOKEN_SCORE = {"token": 1.0, "sound": 0.95, "near": 0.85}


@dataclass(frozen=True)
class NewPerson:
    given_name: str = ""
    family_name: str = ""
    birth_date: datetime.date | None = None
    birth_year: int | None = None
    birth_date_is_estimate: bool = False
    estimated_age: int | None = None
    gender: str = ""
    citizenships: tuple[str, ...] = ()

    @property
    def tokens(self) -> list[str]:
        return sorted(set(crypto.name_tokens(f"{self.given_name} {self.family_name}")))

    def year(self, today: datetime.date) -> tuple[int | None, bool]:
        """The birth year, and whether it is only an estimate."""
        if self.birth_date:
            return self.birth_date.year, self.birth_date_is_estimate
        if self.birth_year:
            return self.birth_year, True
        if self.estimated_age is not None:
            return today.year - self.estimated_age, True
        return None, True


@dataclass
class Probe:
    """The new person's keys, each mapped back to what it means."""

    words: dict[str, tuple[str, str]] = field(default_factory=dict)  # digest → (token, kind)
    years: dict[str, int] = field(default_factory=dict)  # digest → year
    date: str = ""


@dataclass
class Candidate:
    person_id: int
    words: dict[str, str] = field(default_factory=dict)  # token → best kind matched
    years: set[int] = field(default_factory=set)
    same_date: bool = False
    score: float = 0.0


def probe_for(new: NewPerson, today: datetime.date) -> Probe:
    probe = Probe()
    for token in new.tokens:
        probe.words[crypto.name_token_index(token)] = (token, "token")
        probe.words[crypto.name_sound_index(crypto.phonetic_code(token))] = (token, "sound")
        for spelling in crypto.near_spellings(token):
            probe.words[crypto.name_near_index(spelling)] = (token, "near")
    year, _estimate = new.year(today)
    if year is not None:
        for y in range(year - YEARS_AROUND, year + YEARS_AROUND + 1):
            probe.years[crypto.birth_year_index(y)] = y
    if new.birth_date:
        probe.date = crypto.birth_date_index(new.birth_date.isoformat())
    return probe


def candidates_for(organization_id: int, probe: Probe) -> dict[int, Candidate]:
    """Persons of the organization sharing a name key with the new person, with every key matched."""
    keys = PersonPhoneticKey.objects.filter(organization_id=organization_id)
    named = keys.filter(digest__in=list(probe.words)).values("person_id")
    wanted = [*probe.words, *probe.years, *([probe.date] if probe.date else [])]
    found: dict[int, Candidate] = {}
    for person_id, digest in keys.filter(person_id__in=named, digest__in=wanted).values_list(
        "person_id", "digest"
    ):
        c = found.setdefault(person_id, Candidate(person_id))
        if digest in probe.words:
            token, kind = probe.words[digest]
            if TOKEN_SCORE[kind] > TOKEN_SCORE.get(c.words.get(token, ""), 0):
                c.words[token] = kind
        elif digest in probe.years:
            c.years.add(probe.years[digest])
        else:
            c.same_date = True
    return found


def name_score(new: NewPerson, c: Candidate) -> float:
    """+3.5 when every word matches as spelled, -3.5 when none does."""
    tokens = new.tokens
    share = sum(TOKEN_SCORE[c.words[t]] for t in tokens if t in c.words) / max(len(tokens), 1)
    return 7 * share - 3.5


def birth_score(new: NewPerson, c: Candidate, known: dict[str, Any], today: datetime.date) -> float:
    year, estimate = new.year(today)
    if year is None:
        return 0.0
    if known["has_birth_date"]:
        if c.same_date:
            return 3.0
        if not c.years:
            return -4.0
        delta = min(abs(y - year) for y in c.years)
        return {0: 1.0, 1: 0.5}.get(delta, 0.0 if estimate or known["birth_date_is_estimate"] else -2.0)
    if known["estimated_age"] is not None:
        their_year = known["created_at"].year - known["estimated_age"]
        delta = abs(their_year - year)
        return 1.0 if delta <= 1 else 0.0 if delta <= 3 else -2.0
    return 0.0


def other_score(new: NewPerson, known: dict[str, Any]) -> float:
    score = 0.0
    genders = {new.gender, known["gender"]}
    if not genders & {"", "NonSpecifiedUnknown"}:
        score += 0.5 if len(genders) == 1 else -3.0
    theirs = set(known["citizenships"] or [])
    if new.citizenships and theirs:
        score += 0.5 if theirs & set(new.citizenships) else -1.0
    return score


def _known(person_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """What scoring reads of each candidate: plain columns, and whether a birth date is stored."""
    persons: QuerySet[Person] = Person.objects.filter(pk__in=list(person_ids))
    dated = set(persons.filter(birth_date__isnull=False).values_list("pk", flat=True))
    columns = ("pk", "gender", "estimated_age", "citizenships", "birth_date_is_estimate", "created_at")
    return {row["pk"]: {**row, "has_birth_date": row["pk"] in dated} for row in persons.values(*columns)}


def scored_candidates(organization_id: int, new: NewPerson) -> list[Candidate]:
    """The organization's persons who may be the new person, best first (at most MAX_CANDIDATES)."""
    today = timezone.localdate()
    if not new.tokens:
        return []
    found = candidates_for(organization_id, probe_for(new, today))
    known = _known(found)
    for c in found.values():
        facts = known[c.person_id]
        c.score = name_score(new, c) + birth_score(new, c, facts, today) + other_score(new, facts)
    likely = sorted((c for c in found.values() if c.score >= THRESHOLD), key=lambda c: -c.score)
    return likely[:MAX_CANDIDATES]
