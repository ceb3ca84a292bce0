"""A failed run settles its epsilon exactly, once (ctm.privacy.domain.spending).

pac-synth's refusal is a function of the data through its noisy count of records, which spent
PACSYNTH_COUNT_SHARE of epsilon: that share stays spent. A failure before any measurement of the data
gives everything back; a failure at an unknown point keeps everything (fail closed). A replay of the
failure path never refunds a second time. The race of two settlements is in tests/concurrency.
"""

from __future__ import annotations

import pandas as pd
import pytest
from django.urls import reverse

from ctm.core.models import ActivityLog
from ctm.privacy.domain import releases as domain
from ctm.privacy.domain import runs
from ctm.privacy.domain.queries.ledger import spent_epsilon
from ctm.privacy.domain.spending import settle_failure
from ctm.privacy.engine import InputError
from ctm.privacy.engine.synth import PACSYNTH_COUNT_SHARE
from ctm.privacy.models import Release
from tests.privacy_platform.objects import COLUMNS, ctdc_frame, upload

pytestmark = pytest.mark.django_db
SYNTH = {"method": "pacsynth", "epsilon": 2.0, "delta": None, "rows": None, "seed": 0, "columns": COLUMNS}


class PanicException(BaseException):
    """pac-synth's Rust panic (pyo3's PanicException derives from BaseException), by its name."""


class RefusingSynthesizer:
    """pac-synth's synthesizer whose noisy count of records came out negative: its real panic message."""

    def __init__(self, params):
        pass

    def fit(self, dataset):
        raise PanicException("adding noise to number of records resulted in a negative number")


def _release(personas, **parameters) -> Release:
    dataset = upload(personas.data_manager, ctdc_frame(200))
    release = domain.create_release(
        by=personas.data_manager, dataset=dataset, label="", method="synthetic", parameters={**SYNTH, **parameters}
    )
    release.refresh_from_db()
    return release


def test_a_refused_pacsynth_run_leaves_exactly_the_count_share_spent(dm, personas, monkeypatch):
    import pacsynth

    monkeypatch.setattr(pacsynth, "DpAggregateSeededSynthesizer", RefusingSynthesizer)
    release = _release(personas)
    assert release.status == "failed", release.error
    assert release.epsilon_spent == pytest.approx(PACSYNTH_COUNT_SHARE * 2.0)
    assert spent_epsilon(release.dataset) == pytest.approx(0.1)  # not 0 (the old refund), not 2
    entry = ActivityLog.objects.get(action="privacy.release.failed", object_id=str(release.pk))
    assert entry.changes["epsilon_spent"] == [2.0, pytest.approx(0.1)]
    # in words, on the release page and on the ledger
    page = dm.get(reverse("privacy:release", args=[release.pk])).content.decode()
    assert "ε = 0.1 of the 2 reserved stays spent" in page and "ε = 1.9 went back" in page
    assert "no privacy budget was spent" not in page
    assert "0.1 kept" in dm.get(reverse("privacy:ledger")).content.decode()
    dm.cookies["django_language"] = "fr"
    page = dm.get(reverse("privacy:release", args=[release.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "reste dépensé" in page


def test_a_run_refused_by_validation_spends_nothing(dm, personas, monkeypatch):
    """The run's own checks (parameters, declared domain) fail before any measurement of the data."""

    def refuse(*args, **kwargs):
        raise InputError("column 'gender' has no declared domain")

    monkeypatch.setattr("ctm.privacy.engine.synth.resolve_domain", refuse)  # the run's, not the form's check
    release = _release(personas)
    assert release.status == "failed" and "no declared domain" in release.error_text
    assert release.epsilon_spent == 0.0 and spent_epsilon(release.dataset) == 0.0
    page = dm.get(reverse("privacy:release", args=[release.pk])).content.decode()
    assert "no privacy budget was spent" in page and "went back to the dataset" in page


def test_a_source_that_cannot_be_read_spends_nothing(personas, monkeypatch):
    monkeypatch.setattr(runs, "source_frame", lambda release: (pd.DataFrame({"gender": ["Female"]}), []))
    release = _release(personas)
    assert release.status == "failed" and release.epsilon_spent == 0.0


def test_a_failure_at_an_unknown_point_of_the_mechanism_keeps_all_of_epsilon(personas, monkeypatch):
    monkeypatch.setattr("ctm.privacy.domain.runs.synthesize", lambda *a, **k: 1 / 0)
    release = _release(personas)
    assert release.status == "failed" and "ZeroDivisionError" in release.error
    assert release.epsilon_spent == 2.0 and spent_epsilon(release.dataset) == 2.0


def test_the_ledger_is_never_refunded_twice(personas, monkeypatch):
    """Replays of the failure path (the run again, the interruption, the stale check, the settlement with a
    smaller amount) change nothing once a run has failed."""
    import pacsynth

    monkeypatch.setattr(pacsynth, "DpAggregateSeededSynthesizer", RefusingSynthesizer)
    release = _release(personas)
    dataset = release.dataset
    assert spent_epsilon(dataset) == pytest.approx(0.1)
    runs.run_release(release.pk)
    release.status = "running"  # a stale copy that still believes the run is going
    runs._fail(release, InputError("replayed"), spent=0.0)
    domain.after_interruption(release.pk, False)
    assert settle_failure(release.pk, "again", spent=0.0) is None
    Release.objects.filter(pk=release.pk).update(stage="reading")
    assert domain.mark_interrupted(Release.objects.get(pk=release.pk)) is False
    assert spent_epsilon(dataset) == pytest.approx(0.1)
    fresh = Release.objects.get(pk=release.pk)
    assert fresh.epsilon_spent == pytest.approx(0.1) and "replayed" not in fresh.error
    assert ActivityLog.objects.filter(object_id=str(release.pk), action__in=[
        "privacy.release.failed", "privacy.release.interrupted"]).count() == 1  # fmt: skip


def test_an_interrupted_run_keeps_epsilon_only_once_it_reached_the_mechanism(personas, monkeypatch):
    monkeypatch.setattr(domain, "start_run", lambda release: None)  # left queued, as a worker would find it
    waiting = _release(personas)
    domain.after_interruption(waiting.pk, False)
    assert Release.objects.get(pk=waiting.pk).epsilon_spent == 0.0
    measuring = _release(personas, seed=1)
    Release.objects.filter(pk=measuring.pk).update(status="running", stage="synthesizing")
    domain.after_interruption(measuring.pk, False)
    assert Release.objects.get(pk=measuring.pk).epsilon_spent == 2.0


def test_a_kanon_failure_spends_nothing_and_says_so(dm, personas, monkeypatch):
    monkeypatch.setattr("ctm.privacy.domain.runs.anonymize", lambda *a, **k: 1 / 0)
    dataset = upload(personas.data_manager, ctdc_frame(200))
    params = {"k": 3, "qi": ["gender"], "suppression_limit": 0.1, "columns": COLUMNS}
    release = domain.create_release(by=personas.data_manager, dataset=dataset, label="", method="kanon",
                                    parameters=params)  # fmt: skip
    release.refresh_from_db()
    assert release.status == "failed" and release.epsilon_spent is None and spent_epsilon(dataset) == 0.0
    assert "spends no privacy budget" in dm.get(reverse("privacy:release", args=[release.pk])).content.decode()
