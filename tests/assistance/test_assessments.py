"""Vulnerability and risk assessments: repeatable, compared, and a high risk flags the case and
raises a task for the case managers."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from ctm.assistance.domain.assessments import record_assessment
from ctm.assistance.domain.queries.case_assistance import compare
from ctm.assistance.models import Notification, RiskAssessment, Task
from ctm.cases.models import Case
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import ActivityLog

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _assess(p, risk, factors, *, days_ago=0, by=None, notes=""):
    return record_assessment(
        Case.objects.get(pk=p.case.pk),
        by=by or p.caseworker,
        safety_risk=risk,
        factors=factors,
        assessed_on=TODAY - datetime.timedelta(days=days_ago),
        notes=notes,
    )


def test_changes_between_two_assessments(personas):
    first = _assess(
        personas,
        "medium",
        {"family_support": "risk", "legal_documents": "risk", "stigma": "risk"},
        days_ago=30,
    )
    second = _assess(
        personas,
        "low",
        {"family_support": "protective", "legal_documents": "risk", "migration_status": "risk"},
    )
    changes = compare(first, second)
    assert changes.risk_changed
    assert [(c.factor, c.before, c.after) for c in changes.factors] == [
        ("family_support", "risk", "protective"),
        ("stigma", "risk", None),
        ("migration_status", None, "risk"),
    ]
    assert [c.level for c in changes.factors] == ["household", "community", "structural"]


def test_high_risk_flags_the_case_and_raises_one_task_for_the_case_managers(personas):
    p = personas
    before = ActivityLog.objects.count()
    _assess(p, "high", {"traffickers_nearby": "risk"})
    case = Case.objects.get(pk=p.case.pk)
    assert case.high_risk
    (task,) = Task.objects.filter(case=case)
    assert task.kind == "high_risk_follow_up" and task.role == "case_manager" and task.status == "open"
    assert task.due_on == TODAY + datetime.timedelta(days=2)
    assert set(Notification.objects.values_list("user_id", flat=True)) == {p.case_manager.user_id}
    (entry,) = ActivityLog.objects.order_by("id")[before:]  # one entry names all three
    assert entry.action == "assistance.assessment.recorded"
    assert entry.changes["high_risk"] == [False, True] and entry.changes["task"] == [
        None,
        "high_risk_follow_up",
    ]
    _assess(p, "high", {})  # still high: the open task stays the only one
    assert Task.objects.filter(case=case).count() == 1
    assert Notification.objects.count() == 1


def test_notes_are_encrypted_and_masked_in_the_log(personas):
    from django.db import connection

    a = _assess(personas, "low", {}, notes="Hides at her cousin's in Bălți")
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM assistance_riskassessment WHERE id = %s", [a.pk])
        (raw,) = cursor.fetchone()
    assert "Bălți" not in raw and raw.startswith("v1:")
    entry = ActivityLog.objects.filter(action="assistance.assessment.recorded").get()
    assert "Bălți" not in str(entry.changes) and entry.changes["notes"] == [None, "•••"]


@pytest.mark.parametrize(
    ("risk", "factors"), [("extreme", {}), ("low", {"nope": "risk"}), ("low", {"stigma": "maybe"})]
)
def test_bad_input_is_a_field_error(personas, risk, factors):
    with pytest.raises(InvalidTransition):
        _assess(personas, risk, factors)
    assert not RiskAssessment.objects.exists()


def test_a_future_date_and_a_closed_case_are_refused(personas):
    with pytest.raises(InvalidTransition):
        _assess(personas, "low", {}, days_ago=-3)
    from ctm.cases.domain.cases import close_case

    close_case(Case.objects.get(pk=personas.case.pk), by=personas.case_manager, reason="plan_completed")
    with pytest.raises(InvalidTransition):
        _assess(personas, "low", {})


def test_auditor_and_colleague_may_not_assess(personas):
    for who in (personas.auditor, personas.other_caseworker, personas.outsider):
        with pytest.raises(NotAllowed):
            _assess(personas, "low", {}, by=who)


def test_the_case_page_shows_what_changed_without_a_second_read(client, personas):
    _assess(personas, "medium", {"family_support": "risk"}, days_ago=10, notes="secret note")
    _assess(personas, "high", {"family_support": "protective"})
    client.force_login(personas.caseworker.user)
    before = ActivityLog.objects.order_by("-id").values_list("id", flat=True).first()
    body = client.get(reverse("cases:detail", args=[personas.case.number])).content.decode()
    assert "Family support and relationships" in body and "secret note" not in body
    reads = ActivityLog.objects.filter(id__gt=before, action__endswith=".viewed")
    assert list(reads.values_list("action", flat=True)) == ["cases.person.viewed"]


def test_the_assistance_page_logs_one_read_of_its_free_text(client, personas):
    _assess(personas, "low", {}, notes="secret note")
    client.force_login(personas.caseworker.user)
    before = ActivityLog.objects.order_by("-id").values_list("id", flat=True).first()
    body = client.get(reverse("assistance:case", args=[personas.case.number])).content.decode()
    assert "secret note" in body
    (entry,) = ActivityLog.objects.filter(id__gt=before)
    assert entry.action == "assistance.record.viewed" and entry.changes["parts"] == ["assessments"]
    assert entry.organization_id == personas.org.pk


def test_the_assessment_form_records_factors(client, personas):
    client.force_login(personas.caseworker.user)
    url = reverse("assistance:new_assessment", args=[personas.case.number])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "assessed_on": TODAY.isoformat(),
            "safety_risk": "high",
            "factor_stigma": "risk",
            "factor_family_support": "protective",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    a = RiskAssessment.objects.get()
    assert {f.factor: f.kind for f in a.factors.all()} == {"stigma": "risk", "family_support": "protective"}
    bad = client.post(url, {"assessed_on": TODAY.isoformat(), "safety_risk": "extreme"})
    assert bad.status_code == 400 and "error-summary" in bad.content.decode()


def test_outsider_sees_nothing(client, personas):
    _assess(personas, "high", {"stigma": "risk"}, notes="secret note")
    client.force_login(personas.outsider.user)
    for url in (
        reverse("assistance:case", args=[personas.case.number]),
        reverse("assistance:new_assessment", args=[personas.case.number]),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert "secret note" not in response.content.decode()
    body = client.get(reverse("assistance:my_work")).content.decode()
    assert personas.case.number not in body


def test_every_factor_has_its_level():
    from ctm.assistance.enums import FACTOR_LEVEL, Factor, FactorLevel

    assert set(FACTOR_LEVEL) == set(Factor.values)
    assert set(FACTOR_LEVEL.values()) == set(FactorLevel.values)


def test_a_partners_read_of_a_shared_case_is_in_the_owners_log_and_read_only(client, personas):
    from ctm.cases.domain import cases as case_domain
    from ctm.cases.domain import consent as consent_domain

    p = personas
    _assess(p, "low", {}, notes="secret note")
    consent = consent_domain.record_consent(
        p.case,
        by=p.caseworker,
        data={"scope": "referral", "given_on": TODAY, "referral_organization": p.other_org},
    )
    case_domain.share_case(p.case, by=p.case_manager, consent=consent)
    client.force_login(p.outsider.user)
    before = ActivityLog.objects.order_by("-id").values_list("id", flat=True).first()
    body = client.get(reverse("assistance:case", args=[p.case.number])).content.decode()
    assert "secret note" in body and "Record an assessment" not in body
    (entry,) = ActivityLog.objects.filter(id__gt=before, action="assistance.record.viewed")
    assert entry.organization_id == p.org.pk and entry.changes["reader_organization"] == p.other_org.code
    assert client.get(reverse("assistance:new_assessment", args=[p.case.number])).status_code == 404
    consent_domain.withdraw_consent(consent, by=p.caseworker)
    assert client.get(reverse("assistance:case", args=[p.case.number])).status_code == 404
