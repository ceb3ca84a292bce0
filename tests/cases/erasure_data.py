"""A person with every kind of identifying data, made through domain code, and the values to hunt for.

Every value is unusual enough that finding it anywhere after an erasure can only mean a leak.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from ctm.cases.domain import consent as consent_domain
from ctm.cases.domain import notes as notes_domain
from ctm.cases.domain import persons as person_domain
from ctm.cases.domain import screening as screening_domain
from ctm.cases.domain.cases import close_case, open_case, reopen_case
from ctm.cases.domain.queries.cases import view_person
from ctm.cases.models import Case, IdentityDocument, PersonPhoneticKey
from ctm.core import crypto

GIVEN, FAMILY = "Zorilda", "Quennevillescu"
OTHER_NAME = "Зорильда Кенвильеску"
BIRTH = datetime.date(1987, 11, 23)
PHONE, EMAIL = "+37369123457", "zorilda.q@example.org"
ADDRESS = "Strada Ulmilor 77, Orheiulnou"
DOCUMENT = "ZX9876543"
NOTE = "Met her at the Vulcanesti bus station with cousin Vasilicaeva."
FILE_NAME = "zorilda-passport-scan.txt"
FILE_CONTENT = b"Scan of passport ZX9876543 belonging to Zorilda Quennevillescu, Orheiulnou.\n"
FILE_DESCRIPTION = "Passport scan handed over by Vasilicaeva"
GUARDIAN, GUARDIAN_CONTACT = "Marinela Quennevillescu", "+37369000111"
CLOSURE_NOTE = "Moved in with Vasilicaeva in Orheiulnou."
REOPEN_REASON = "Vasilicaeva called the hotline"
RECRUITMENT_PLACE = "Cafenea Trandafirulmic"
EVENT_PLACE = "Warehouse Kuzminkovo-7"
SCREENING_PLACE = "Shelter Lumina-Albastra"
PROMISES = "Dishwashing job in Kuzminkovo-7"
NARRATIVE = "Zorilda described the flat in Kuzminkovo-7."
REASONS = "Confirmed by Vasilicaeva's statement"
BIA_SUMMARY = "Zorilda wants to live with Marinela"

PLAINTEXTS = [
    GIVEN,
    FAMILY,
    "Зорильда",
    "Кенвильеску",
    BIRTH.isoformat(),
    PHONE,
    EMAIL,
    "Ulmilor",
    "Orheiulnou",
    DOCUMENT,
    "Vulcanesti",
    "Vasilicaeva",
    FILE_NAME,
    FILE_CONTENT.decode().strip(),
    "Marinela",
    GUARDIAN_CONTACT,
    "Trandafirulmic",
    "Kuzminkovo-7",
    "Lumina-Albastra",
    "Dishwashing",
]


@dataclass
class Shreddable:
    case: Case
    second_case: Case
    blind_indexes: list[str] = field(default_factory=list)


def make_shreddable(by, manager, *, closed_on: datetime.date | None = None) -> Shreddable:
    """A minor's two cases (one reopened and closed again), every identifying field filled, all closed."""
    person_data = {
        "given_name": GIVEN,
        "family_name": FAMILY,
        "other_names": [OTHER_NAME],
        "birth_date": BIRTH,
        "gender": "Feminine",
        "citizenships": ["MD"],
        "languages": ["ro", "ru"],
        "contacts": [{"kind": "phone", "value": PHONE}, {"kind": "email", "value": EMAIL}],
        "address": ADDRESS,
    }
    case = open_case(by=by, person_data=person_data, case_data={"opened_on": datetime.date(2003, 6, 1)})
    second = open_case(
        by=by, person_data={"given_name": "Unrelated"}, case_data={"opened_on": datetime.date(2003, 7, 1)}
    )
    Case.objects.filter(pk=second.pk).update(person=case.person)  # a second case of the same person
    second.refresh_from_db()
    person_domain.add_document(
        case,
        by=by,
        data={
            "kind": "passport",
            "number": DOCUMENT,
            "issuing_country": "MD",
            "expiry_date": datetime.date(2031, 3, 17),
            "held_by_trafficker": True,
        },
    )
    notes_domain.add_note(case, by=by, body=NOTE)
    notes_domain.add_attachment(
        case, by=by, filename=FILE_NAME, data=FILE_CONTENT, description=FILE_DESCRIPTION
    )
    guardian = consent_domain.add_guardian(
        case, by=by, data={"name": GUARDIAN, "relationship": "Aunt", "contact": GUARDIAN_CONTACT}
    )
    consent_domain.record_consent(
        case,
        by=by,
        data={
            "scope": "research",
            "given_on": datetime.date(2003, 6, 2),
            "given_by": "guardian",
            "guardian": guardian,
        },
    )
    consent_domain.add_best_interests(
        case, by=by, data={"assessed_on": datetime.date(2003, 6, 3), "summary": BIA_SUMMARY}
    )
    screening_domain.record_screening(
        case,
        by=by,
        data={
            "interview_date": datetime.date(2003, 6, 1),
            "place": SCREENING_PLACE,
            "recruiter_promises": PROMISES,
            "narrative": NARRATIVE,
        },
    )
    screening_domain.update_victim_context(
        case,
        by=by,
        data={
            "recruitment_place": RECRUITMENT_PLACE,
            "recruitment_country": "MD",
            "exploitation_country": "RU",
            "exploitation_types": ["ForcedLabour"],
            "age_when_trafficked": 15,
        },
    )
    screening_domain.add_event(
        case,
        by=by,
        data={
            "event_type": "Exploitation",
            "country": "RU",
            "place": EVENT_PLACE,
            "start_date": datetime.date(2002, 9, 1),
        },
    )
    screening_domain.propose_eligibility(
        case,
        by=by,
        data={
            "trafficking_status": "ActualVictimOfTrafficking",
            "decision_body": "NGO",
            "decided_on": datetime.date(2003, 6, 5),
            "reasons": REASONS,
        },
    )
    view_person(by, case)
    close_case(case, by=manager, reason="plan_completed", note=CLOSURE_NOTE, on=datetime.date(2004, 1, 1))
    reopen_case(case, by=by, reason=REOPEN_REASON)
    close_case(case, by=manager, reason="plan_completed", on=closed_on or datetime.date(2005, 2, 1))
    close_case(second, by=manager, reason="lost_contact", on=datetime.date(2004, 5, 1))
    person = case.person
    person.refresh_from_db()
    indexes = [person.name_birth_index, crypto.document_index(DOCUMENT)]
    indexes += list(PersonPhoneticKey.objects.filter(person=person).values_list("digest", flat=True))
    indexes += list(IdentityDocument.objects.filter(person=person).values_list("number_index", flat=True))
    return Shreddable(case=case, second_case=second, blind_indexes=sorted(set(indexes)))
