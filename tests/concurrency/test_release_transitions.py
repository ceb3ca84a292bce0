"""Conflicting release transitions and the privacy budget, from two connections at once."""

from __future__ import annotations

import pytest

from ctm.core.enums import Role
from ctm.core.errors import InvalidTransition
from ctm.core.models import ActivityLog
from ctm.privacy.domain import releases as domain
from ctm.privacy.domain.queries.ledger import spent_epsilon
from ctm.privacy.models import Release
from tests import factories as f
from tests.concurrency.conftest import concurrently
from tests.privacy_platform.objects import COLUMNS, approved, make_release, upload

SYNTH = {"method": "pacsynth", "epsilon": 1.5, "delta": None, "rows": None, "seed": 0, "columns": COLUMNS}


def refused(outcome) -> bool:
    return isinstance(outcome.error, InvalidTransition)


def fresh(release: Release) -> Release:
    return Release.objects.get(pk=release.pk)


def test_a_release_is_approved_or_rejected_once(race, personas):
    p = personas
    second_auditor = f.make_member(p.org, Role.AUDITOR, "auditor2")
    release = make_release(p.data_manager)
    a, b = fresh(release), fresh(release)
    first, second = race(
        lambda: domain.review_release(a, by=p.auditor, decision="approve", reason="Risk is low."),
        lambda: domain.review_release(b, by=second_auditor, decision="reject", reason="Too risky."),
        organizations=[p.org],
    )
    assert first.ok and refused(second), second.error
    release = fresh(release)
    assert release.status == "approved" and release.reviewed_by_id == p.auditor.user_id


def test_a_release_is_published_once(race, personas):
    p = personas
    release = approved(p)
    a, b = fresh(release), fresh(release)
    first, second = race(
        lambda: domain.publish_release(a, by=p.data_manager),
        lambda: domain.publish_release(b, by=p.data_manager),
        organizations=[p.org],
    )
    assert first.ok and refused(second), second.error
    assert ActivityLog.objects.filter(action="privacy.release.published", object_id=str(release.pk)).count() == 1
    assert fresh(release).manifest_sha256 == first.value.manifest_sha256


def test_two_releases_never_spend_more_than_the_budget(two_connections, personas, settings, monkeypatch):
    settings.CTM_PRIVACY_TOTAL_EPSILON = 2.0
    monkeypatch.setattr(domain, "start_run", lambda release: None)  # the ledger, not the run, is tested
    dataset = upload(personas.data_manager)
    outcomes = concurrently(
        2,
        lambda i: domain.create_release(
            by=personas.data_manager, dataset=dataset, label=f"r{i}", method="synthetic", parameters=dict(SYNTH)
        ),
        organizations=[personas.org],
    )
    assert sorted(o.ok for o in outcomes) == [False, True]
    assert "budget" in str(next(o.error for o in outcomes if not o.ok))
    assert spent_epsilon(dataset) == pytest.approx(1.5)


def test_a_failed_run_is_settled_once_whatever_settles_it_at_the_same_time(race, personas, monkeypatch):
    """The worker's failure (pac-synth refused: the count's share kept) and an interruption (all given back
    if it were still reading) race on one running release: one settles it, the other finds it failed."""
    from ctm.privacy.domain.spending import settle_failure

    monkeypatch.setattr(domain, "start_run", lambda release: None)
    release = domain.create_release(by=personas.data_manager, dataset=upload(personas.data_manager), label="r",
                                    method="synthetic", parameters=dict(SYNTH))  # fmt: skip
    Release.objects.filter(pk=release.pk).update(status="running", stage="reading")
    dataset = release.dataset
    first, second = race(
        lambda: settle_failure(release.pk, "refused", spent=0.075),
        lambda: settle_failure(release.pk, "interrupted", spent=0.0, action="privacy.release.interrupted"),
        organizations=[personas.org],
    )
    assert first.ok and second.ok and first.value is not None and second.value is None
    assert fresh(release).epsilon_spent == pytest.approx(0.075) and fresh(release).error == "refused"
    assert spent_epsilon(dataset) == pytest.approx(0.075)
    assert ActivityLog.objects.filter(object_id=str(release.pk), action__startswith="privacy.release.").exclude(
        action="privacy.release.created").count() == 1  # fmt: skip


def test_concurrent_refunds_never_give_back_twice(two_connections, personas, monkeypatch):
    from ctm.privacy.domain.spending import settle_failure

    monkeypatch.setattr(domain, "start_run", lambda release: None)
    release = domain.create_release(by=personas.data_manager, dataset=upload(personas.data_manager), label="r",
                                    method="synthetic", parameters=dict(SYNTH))  # fmt: skip
    Release.objects.filter(pk=release.pk).update(status="running", stage="reading")
    outcomes = concurrently(
        4, lambda i: settle_failure(release.pk, f"failure {i}", spent=0.0), organizations=[personas.org]
    )
    assert all(o.ok for o in outcomes) and sum(o.value is not None for o in outcomes) == 1
    assert spent_epsilon(release.dataset) == 0.0 and fresh(release).status == "failed"
    assert ActivityLog.objects.filter(object_id=str(release.pk), action="privacy.release.failed").count() == 1
