"""Domain rules of the case register: consent, minors, conflicts, encryption, tenant scoping, the log."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from ctm.cases.domain import cases as case_domain
from ctm.cases.domain import consent as consent_domain
from ctm.cases.domain import notes as notes_domain
from ctm.cases.domain import persons as person_domain
from ctm.cases.domain.queries.cases import duplicate_candidates, search_by_document, search_by_name_and_birth
from ctm.cases.domain.queries.consent import may
from ctm.cases.models import Person
from ctm.core.domain.activity import verify_chain
from ctm.core.errors import ConflictError, InvalidTransition, NotAllowed
from ctm.core.models import ActivityLog
from tests.factories import make_case

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 1)


def test_case_number_is_readable_and_sequential(personas):
    second = make_case(personas.caseworker, given="Ana", family="Rusu")
    year = personas.case.opened_on.year
    assert personas.case.number == f"MD-CHI-{year}-00001"
    assert second.number == f"MD-CHI-{year}-00002"


def test_identifying_data_is_encrypted_at_rest(personas):
    with connection.cursor() as cur:
        cur.execute(
            "SELECT given_name, family_name, birth_date, contacts, address FROM cases_person WHERE id = %s",
            [personas.case.person_id],
        )
        row = cur.fetchone()
    raw = " ".join(str(v) for v in row)
    for secret in ("Olga", "Petrova", "1995", "+37360000000", "Secret"):
        assert secret not in raw
    assert all(str(v).startswith("v1:") for v in row)
    person = Person.objects.get(pk=personas.case.person_id)
    assert person.given_name == "Olga" and person.birth_date == datetime.date(1995, 4, 2)


def test_tampered_ciphertext_is_refused(personas):
    from ctm.core.crypto import DecryptionError

    with connection.cursor() as cur:
        cur.execute("SELECT given_name FROM cases_person WHERE id = %s", [personas.case.person_id])
        stored = cur.fetchone()[0]
        # a value moved to another column does not authenticate (column bound as associated data)
        cur.execute(
            "UPDATE cases_person SET family_name = %s WHERE id = %s", [stored, personas.case.person_id]
        )
    with pytest.raises(DecryptionError):
        Person.objects.get(pk=personas.case.person_id)


def test_blind_index_search_normalizes_script_order_and_case(personas):
    found = search_by_name_and_birth(personas.caseworker, "PETROVA  Olga", datetime.date(1995, 4, 2))
    assert list(found) == [personas.case]
    assert (
        list(search_by_name_and_birth(personas.caseworker, "Olga Petrova", datetime.date(1995, 4, 3))) == []
    )
    cyr = make_case(personas.caseworker, given="Ольга", family="Иванова", birth=datetime.date(1990, 1, 1))
    assert list(search_by_name_and_birth(personas.caseworker, "Olga Ivanova", datetime.date(1990, 1, 1))) == [
        cyr
    ]


def test_document_search(personas):
    person_domain.add_document(
        personas.case, by=personas.caseworker, data={"kind": "passport", "number": "ab 123-456"}
    )
    assert list(search_by_document(personas.caseworker, "AB123456")) == [personas.case]
    assert list(search_by_document(personas.outsider, "AB123456")) == []


def test_duplicate_warning_exact_and_phonetic(personas):
    exact = duplicate_candidates(personas.caseworker, "Olga", "Petrova", datetime.date(1995, 4, 2), None)
    assert [(d.case_number, d.match) for d in exact] == [(personas.case.number, "exact")]
    similar = duplicate_candidates(personas.caseworker, "Olha", "Petrowa", datetime.date(1995, 9, 9), None)
    assert [d.match for d in similar] == ["similar"]
    assert duplicate_candidates(personas.caseworker, "Olha", "Petrowa", datetime.date(1980, 9, 9), None) == []
    # never across organizations
    assert duplicate_candidates(personas.outsider, "Olga", "Petrova", datetime.date(1995, 4, 2), None) == []


def test_version_conflict_refuses_the_second_save(personas):
    case = personas.case
    person_domain.update_person(case, by=personas.caseworker, data={"given_name": "Olha"}, version=1)
    with pytest.raises(ConflictError):
        person_domain.update_person(case, by=personas.case_manager, data={"given_name": "Olya"}, version=1)
    assert Person.objects.get(pk=case.person_id).given_name == "Olha"


def test_consent_may_answers_for_scope_organization_and_date(personas):
    case, by = personas.case, personas.caseworker
    assert not may(case, "assistance")
    c = consent_domain.record_consent(case, by=by, data={"scope": "assistance", "given_on": TODAY})
    assert may(case, "assistance", on=TODAY) and not may(
        case, "assistance", on=TODAY - datetime.timedelta(days=1)
    )
    consent_domain.withdraw_consent(c, by=by, on=TODAY + datetime.timedelta(days=10))
    assert may(case, "assistance", on=TODAY + datetime.timedelta(days=9))
    assert not may(case, "assistance", on=TODAY + datetime.timedelta(days=10))
    consent_domain.record_consent(
        case,
        by=by,
        data={"scope": "referral", "given_on": TODAY, "referral_organization": personas.other_org},
    )
    assert may(case, "referral", organization=personas.other_org, on=TODAY)
    assert not may(case, "referral", organization=personas.org, on=TODAY)


def test_referral_consent_needs_organization(personas):
    with pytest.raises(InvalidTransition):
        consent_domain.record_consent(
            personas.case, by=personas.caseworker, data={"scope": "referral", "given_on": TODAY}
        )


def test_sharing_with_consent_and_withdrawal_ends_it(personas):
    case = personas.case
    consent = consent_domain.record_consent(
        case,
        by=personas.caseworker,
        data={"scope": "referral", "given_on": TODAY, "referral_organization": personas.other_org},
    )
    case_domain.share_case(case, by=personas.case_manager, consent=consent)
    from ctm.cases.domain.queries.cases import cases_for_user

    assert case in cases_for_user(personas.outsider)
    consent_domain.withdraw_consent(consent, by=personas.caseworker, on=datetime.date.today())
    assert case not in cases_for_user(personas.outsider)


def test_minor_case_needs_manager_to_close(personas):
    minor = make_case(
        personas.caseworker,
        given="Ion",
        family="Lungu",
        birth=datetime.date.today().replace(year=datetime.date.today().year - 15),
    )
    assert minor.is_minor
    with pytest.raises(InvalidTransition):  # a minor's consent needs a guardian
        consent_domain.record_consent(
            minor,
            by=personas.caseworker,
            data={"scope": "assistance", "given_on": TODAY, "given_by": "person"},
        )
    case_domain.close_case(minor, by=personas.caseworker, reason="plan_completed")
    minor.refresh_from_db()
    assert not minor.is_closed and minor.closure_requested_by_id == personas.caseworker.user_id
    case_domain.close_case(minor, by=personas.case_manager, reason="plan_completed")
    minor.refresh_from_db()
    assert minor.is_closed and minor.stage == "closed"


def test_close_and_reopen(personas):
    case = personas.case
    case_domain.close_case(case, by=personas.caseworker, reason="referred")
    assert case.status == "ClosedReferred"
    with pytest.raises(InvalidTransition):
        case_domain.close_case(case, by=personas.caseworker, reason="other")
    case_domain.reopen_case(case, by=personas.caseworker, reason="new needs")
    assert case.status == "Active" and case.reopen_count == 1


def test_outsider_and_auditor_cannot_write(personas):
    with pytest.raises(NotAllowed):
        notes_domain.add_note(personas.case, by=personas.outsider, body="x")
    with pytest.raises(NotAllowed):
        notes_domain.add_note(personas.case, by=personas.auditor, body="x")
    with pytest.raises(NotAllowed):
        case_domain.assign_case(personas.case, by=personas.case_manager, owner=personas.outsider.user)


def test_attachment_type_is_checked_on_content(personas):
    with pytest.raises(InvalidTransition):
        notes_domain.add_attachment(
            personas.case,
            by=personas.caseworker,
            filename="photo.jpg",
            data=b"<html><script>alert(1)</script>",
        )
    with pytest.raises(InvalidTransition):
        notes_domain.add_attachment(
            personas.case, by=personas.caseworker, filename="a.pdf", data=b"MZ\x90\x00\x03\x00\x00\x00"
        )
    att = notes_domain.add_attachment(
        personas.case, by=personas.caseworker, filename="scan.txt", data=b"%PDF-1.7\n..."
    )
    assert att.content_type == "application/pdf"
    assert b"%PDF" not in bytes(att.blob)
    assert notes_domain.read_attachment(personas.case, att, by=personas.caseworker) == b"%PDF-1.7\n..."


def test_activity_log_masks_identifying_values_and_verifies(personas):
    person_domain.update_person(
        personas.case,
        by=personas.caseworker,
        data={"family_name": "Secretova", "gender": "NonSpecifiedUnknown"},
    )
    entry = ActivityLog.objects.filter(action="cases.person.updated").get()
    assert entry.changes["family_name"] == ["•••", "•••"]
    assert entry.changes["gender"] == ["Feminine", "NonSpecifiedUnknown"]
    assert "Secretova" not in str(ActivityLog.objects.values_list("changes", flat=True))
    count, problems = verify_chain()
    assert count >= 3 and problems == []
    ActivityLog.objects.filter(pk=entry.pk).update(changes={"gender": ["x", "y"]})
    _count, problems = verify_chain()
    assert [p.entry_id for p in problems] == [entry.pk]


def test_argon2_is_the_production_hasher():
    import importlib

    import config.settings as production

    importlib.reload(production)
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
