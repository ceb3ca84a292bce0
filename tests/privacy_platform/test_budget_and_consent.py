"""The privacy-budget ledger per source dataset, and consent: a withdrawal between two releases removes
the person from the second (and from any release not yet published)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ctm.cases.domain import consent as consent_domain
from ctm.cases.models import Consent
from ctm.core.errors import InvalidTransition
from ctm.privacy.domain import datasets
from ctm.privacy.domain import releases as domain
from ctm.privacy.domain.queries.ledger import spent_epsilon
from ctm.privacy.domain.queries.research_view import research_view
from ctm.privacy.enums import CTDC_COLUMNS
from ctm.privacy.models import Release
from tests.privacy_platform.objects import (
    COLUMNS,
    ctdc_csv,
    ctdc_frame,
    fake_synthesize,
    post_new,
    research_cases,
    synthetic_form,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_synthesis(monkeypatch):
    """The ledger does not depend on the synthesizer: a fast deterministic stand-in runs instead."""
    monkeypatch.setattr("ctm.privacy.domain.runs.synthesize", fake_synthesize)


SYNTH = {"method": "pacsynth", "epsilon": 1.5, "delta": None, "rows": None, "seed": 0, "columns": COLUMNS}


def test_a_release_past_the_budget_is_refused_at_the_form_and_in_the_domain(dm, personas, settings):
    settings.CTM_PRIVACY_TOTAL_EPSILON = 2.0
    frame = ctdc_frame(200)
    assert post_new(dm, synthetic_form(epsilon="1.5"), ctdc_csv(frame)).status_code == 302
    first = Release.objects.get()
    assert first.status == "ready", first.error
    response = post_new(dm, synthetic_form(epsilon="1"), ctdc_csv(frame))
    assert response.status_code == 400
    error = response.context["form"].errors["epsilon"][0]
    assert "privacy budget" in error and "0.5" in error and "2" in error
    dataset = first.dataset
    with pytest.raises(InvalidTransition, match="budget"):
        domain.create_release(by=personas.data_manager, dataset=dataset, label="", method="synthetic",
                              parameters={**SYNTH, "epsilon": 1.0})  # fmt: skip
    assert Release.objects.count() == 1 and spent_epsilon(dataset) == 1.5
    # what is left can still be spent; a k-anonymous release spends nothing
    domain.create_release(by=personas.data_manager, dataset=dataset, label="", method="synthetic",
                          parameters={**SYNTH, "epsilon": 0.5})  # fmt: skip
    assert spent_epsilon(dataset) == 2.0
    page = dm.get(reverse("privacy:ledger")).content.decode()
    assert "Spent ε = 2.00 of 2.00; 0.00 left." in page


def test_a_failed_run_keeps_what_it_may_have_disclosed_and_a_rejected_one_keeps_all(personas, monkeypatch):
    """A rejected release spent its epsilon; a run that failed at an unknown point of the mechanism too
    (fail closed: tests/privacy_platform/test_budget_on_failure.py has the exact cases)."""
    dataset = upload(personas.data_manager, ctdc_frame(200))
    rejected = domain.create_release(
        by=personas.data_manager, dataset=dataset, label="", method="synthetic", parameters=dict(SYNTH)
    )
    domain.review_release(rejected, by=personas.auditor, decision="reject", reason="Utility too low.")
    monkeypatch.setattr("ctm.privacy.domain.runs.synthesize", lambda *a, **k: 1 / 0)
    failed = domain.create_release(
        by=personas.data_manager, dataset=dataset, label="", method="synthetic", parameters=dict(SYNTH)
    )
    failed.refresh_from_db()
    assert failed.status == "failed" and "ZeroDivisionError" in failed.error
    assert spent_epsilon(dataset) == 3.0


def test_budgets_are_per_dataset_and_per_organization(personas, settings):
    settings.CTM_PRIVACY_TOTAL_EPSILON = 2.0
    a = upload(personas.data_manager, ctdc_frame(200, seed=1))
    b = upload(personas.data_manager, ctdc_frame(200, seed=2))
    for dataset in (a, b):
        domain.create_release(by=personas.data_manager, dataset=dataset, label="", method="synthetic",
                              parameters={**SYNTH, "epsilon": 2.0})  # fmt: skip
    assert spent_epsilon(a) == spent_epsilon(b) == 2.0
    research_cases(personas.caseworker, 3)
    own = datasets.own_cases_dataset(by=personas.data_manager)
    assert own.total_epsilon == 2.0 and spent_epsilon(own) == 0.0


def _own_release(personas):
    dataset = datasets.own_cases_dataset(by=personas.data_manager)
    params = {"k": 2, "qi": ["gender", "majorityStatus"], "suppression_limit": 0.5,
              "columns": ["gender", "majorityStatus", "ageBroad", "CountryOfExploitation", "isForcedLabour"]}  # fmt: skip
    release = domain.create_release(
        by=personas.data_manager, dataset=dataset, label="own cases", method="kanon", parameters=params
    )
    release.refresh_from_db()
    assert release.status == "ready", release.error
    return release


def test_a_consent_withdrawn_between_two_releases_removes_the_person_from_the_second(personas):
    cases = research_cases(personas.caseworker, 6)
    first = _own_release(personas)
    assert first.rows == 6 and sorted(first.case_ids) == sorted(c.pk for c in cases)
    consent = Consent.objects.get(case=cases[2], scope="research")
    consent_domain.withdraw_consent(consent, by=personas.caseworker)
    second = _own_release(personas)
    assert second.rows == 5 and cases[2].pk not in second.case_ids
    assert sorted(second.case_ids) == sorted(c.pk for c in cases if c != cases[2])
    # the first release, prepared before the withdrawal, can no longer be published either
    domain.review_release(first, by=personas.auditor, decision="approve", reason="Fine.")
    with pytest.raises(InvalidTransition, match="withdrew their consent"):
        domain.publish_release(first, by=personas.data_manager)
    domain.review_release(second, by=personas.auditor, decision="approve", reason="Fine.")
    published = domain.publish_release(second, by=personas.data_manager)
    assert published.manifest["rows"] == 5 and published.manifest["source"] == "cases"


def test_own_cases_release_holds_nothing_identifying(dm, personas):
    research_cases(personas.caseworker, 4)
    response = post_new(dm, synthetic_form(source="cases", columns="", qi="", synthesis_method="pacsynth"))
    assert response.status_code == 302, response.context["form"].errors
    release = Release.objects.get()
    text = release.report.__repr__() + repr(release.parameters)
    for secret in ("Research0", "Person", "1990-03-01", "+3736", "Secret"):
        assert secret not in text
    assert release.source_rows == 4 and release.dataset.source == "cases"
    assert release.parameters["columns"] == list(CTDC_COLUMNS)  # empty "columns": every CTDC column


def test_the_research_view_speaks_the_ctdc_schema_of_uploads(personas):
    research_cases(personas.caseworker, 2)
    assert set(research_view([personas.org.pk]).columns) == set(CTDC_COLUMNS)


def test_a_published_synthetic_release_never_states_the_exact_number_of_people(dm, personas):
    frame = ctdc_frame(137)
    assert post_new(dm, synthetic_form(), ctdc_csv(frame)).status_code == 302
    release = Release.objects.get()
    domain.review_release(release, by=personas.auditor, decision="approve", reason="Fine.")
    published = domain.publish_release(release, by=personas.data_manager)
    assert published.manifest["source_rows"] is None
    assert all("137" not in line for line in published.manifest["method_description"].splitlines())
