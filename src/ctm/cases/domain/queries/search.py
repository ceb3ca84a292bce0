"""One search box for the case register: a word of a name (any script, misspelt), a birth year or an
age, a fragment of the case number, a document number. Names, dates and documents are compared
through their blind indexes (`cases.domain.persons.search_digests`); the text typed is never stored
nor logged."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from ctm.cases.domain.queries.cases import cases_for_user
from ctm.cases.domain.queries.scoping import readable_scope
from ctm.cases.models import Case, IdentityDocument, PersonPhoneticKey
from ctm.core import crypto
from ctm.core.domain.activity import record

MAX_RESULTS = 50
OLDEST = 1900


@dataclass
class SearchTerms:
    names: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    ages: list[int] = field(default_factory=list)
    fragments: list[str] = field(default_factory=list)
    text: str = ""

    def kinds(self) -> list[str]:
        return [k for k in ("names", "years", "ages", "fragments") if getattr(self, k)]


def parse_terms(text: str) -> SearchTerms:
    """Words are names; a 4-digit year a birth year; a number up to 120 an age; anything else with a
    digit a fragment of a case or document number (a year is also tried as a fragment)."""
    terms = SearchTerms(text=text.strip())
    this_year = timezone.localdate().year
    for word in terms.text.split():
        if re.fullmatch(r"\d{4}", word) and OLDEST <= int(word) <= this_year:
            terms.years.append(int(word))
            terms.fragments.append(word)
        elif re.fullmatch(r"\d{1,3}", word) and int(word) <= 120:
            terms.ages.append(int(word))
        elif any(ch.isdigit() for ch in word):
            terms.fragments.append(word)
        else:
            terms.names += crypto.name_tokens(word)
    return terms


def _with_digests(digests: list[str]) -> QuerySet[PersonPhoneticKey]:
    return PersonPhoneticKey.objects.filter(digest__in=digests).values("person_id")


def _person_q(terms: SearchTerms) -> Q | None:
    """Every name word must match (as spelled, as it sounds, or one typo away); a year or an age narrows."""
    if not (terms.names or terms.years or terms.ages):
        return None
    q = Q()
    for word in terms.names:
        digests = [crypto.name_token_index(word), crypto.name_sound_index(crypto.phonetic_code(word))]
        digests += [crypto.name_near_index(n) for n in crypto.near_spellings(word)]
        q &= Q(person_id__in=_with_digests(digests))
    this_year = timezone.localdate().year
    for year in terms.years:
        q &= _born_in(year, this_year - year)
    for age in terms.ages:
        q &= _born_in(this_year - age, age) | _born_in(this_year - age - 1, age)
    return q


def _born_in(year: int, age: int) -> Q:
    """Born in `year` (birth-date hash), or no birth date and an estimated age within a year of `age`."""
    estimated = Q(person__birth_date__isnull=True, person__estimated_age__range=(age - 1, age + 1))
    return Q(person_id__in=_with_digests([crypto.birth_year_index(year)])) | estimated


def _fragment_q(terms: SearchTerms) -> Q | None:
    q = None
    for fragment in terms.fragments:
        docs = IdentityDocument.objects.filter(number_index=crypto.document_index(fragment)).values(
            "person_id"
        )
        one = Q(number__icontains=fragment.strip()) | Q(person_id__in=docs)
        q = one if q is None else q | one
    return q


def search_cases(membership: Any, text: str) -> list[Case]:
    """The cases the membership may read that match, newest first (at most MAX_RESULTS); the search
    is logged with the kinds of terms used, never the terms."""
    terms = parse_terms(text)
    parts = [q for q in (_person_q(terms), _fragment_q(terms)) if q is not None]
    record(
        "cases.person.searched",
        actor=membership.user,
        organization=membership.organization,
        changes={"by": "search box", "terms": terms.kinds()},
    )
    if not parts:
        return []
    match = parts[0] if len(parts) == 1 else parts[0] | parts[1]
    with readable_scope(membership):  # the keys of cases shared in too
        found = cases_for_user(membership).filter(match).select_related("owner", "office")
        return list(found.order_by("-opened_on", "-id")[:MAX_RESULTS])
