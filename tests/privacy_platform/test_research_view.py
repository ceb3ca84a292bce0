"""The de-identified research view holds consenting cases only, in CTDC columns, with nothing identifying."""

from __future__ import annotations

import datetime

import pytest

from ctm.cases.domain import consent as consent_domain
from ctm.cases.domain.screening import update_victim_context
from ctm.privacy.domain.queries.research_view import research_view
from tests.factories import make_case

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 1, 10)


def consent(case, by, **extra):
    return consent_domain.record_consent(case, by=by, data={"scope": "research", "given_on": DAY, **extra})


def test_only_consenting_cases_and_withdrawal_excludes(personas):
    by = personas.caseworker
    other = make_case(by, given="Ana", family="Rusu", birth=datetime.date(2001, 5, 5))
    c1 = consent(personas.case, by)
    consent(other, by)
    update_victim_context(
        personas.case,
        by=by,
        data={
            "exploitation_types": ["ForcedLabour", "SexualExploitation"],
            "means_of_control": ["DebtBondage", "PhysicalThreats"],
            "forced_labour_industry": "F_Construction",
            "exploitation_country": "RU",
            "relationship_to_trafficker": "Familial",
            "age_when_trafficked": 16,
        },
    )
    frame = research_view([personas.org.pk], on=DAY)
    assert len(frame) == 2
    row = frame.iloc[0]
    assert row["gender"] == "Female" and row["citizenship"] == "MD" and row["CountryOfExploitation"] == "RU"
    assert row["isForcedLabour"] == 1 and row["isSexAndLabour"] == 1 and row["meansOfControlThreats"] == 1
    assert row["typeOfLabourConstruction"] == 1 and row["RecruiterRelationship"] == "Family/Relative"
    assert row["majorityStatusAtExploit"] == "Minor" and row["ageBroad"] in {"30--38", "27--29"}
    text = frame.to_csv()
    for secret in ("Olga", "Petrova", "1995-04-02", "+3736", "Secret"):
        assert secret not in text
    consent_domain.withdraw_consent(c1, by=by, on=DAY + datetime.timedelta(days=3))
    assert len(research_view([personas.org.pk], on=DAY + datetime.timedelta(days=3))) == 1
    assert len(research_view([personas.other_org.pk], on=DAY)) == 0
