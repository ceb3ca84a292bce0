"""Releases: create (the budget is checked and reserved), review by a second person, publish, downloads.

States: queued → running → ready (awaiting approval) → approved | rejected; approved → published.
A run that fails goes to failed: its epsilon is settled once (ctm.privacy.domain.spending): what the
mechanism measured before the failure stays spent, the rest goes back. A published release never changes.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ctm.core.domain import jobs
from ctm.core.domain.activity import record
from ctm.core.domain.locking import lock
from ctm.core.errors import InvalidTransition
from ctm.core.scopes import job_scope
from ctm.privacy.domain import files
from ctm.privacy.domain.common import failure, log, require_preparer, require_reviewer
from ctm.privacy.domain.queries.ledger import fits_budget, remaining_epsilon
from ctm.privacy.domain.queries.releases import release_frame
from ctm.privacy.domain.queries.research_view import research_case_ids
from ctm.privacy.domain.spending import settle_failure, spent_if_measuring
from ctm.privacy.engine import AnonymizeConfig, InputError, SynthesizeConfig, resolve_domain
from ctm.privacy.enums import (
    CTDC_COLUMNS,
    PUBLISHED_FILES,
    DatasetSource,
    Decision,
    ReleaseMethod,
    ReleaseStatus,
)
from ctm.privacy.models import Dataset, Release

KANON_KEYS = ("k", "qi", "sensitive", "l", "suppression_limit", "domain")
SYNTHETIC_KEYS = ("method", "epsilon", "delta", "rows", "seed")


def source_columns(dataset: Dataset) -> list[str]:
    return list(CTDC_COLUMNS) if dataset.source == DatasetSource.CASES else list(dataset.columns)


def check_parameters(dataset: Dataset, method: str, parameters: dict[str, Any]) -> None:
    """The engine's own checks of the parameters against the dataset's columns (no data touched)."""
    columns = source_columns(dataset)
    chosen = parameters.get("columns") or columns
    missing = [c for c in chosen if c not in columns]
    if missing:
        raise InvalidTransition({"columns": _("Unknown column(s): %(cols)s.") % {"cols": ", ".join(missing)}})
    try:
        resolve_domain(parameters.get("domain"), chosen)  # declared for every column, or refused
        if method == ReleaseMethod.KANON:
            AnonymizeConfig.from_dict({k: parameters.get(k) for k in KANON_KEYS if k in parameters}).validate(chosen)
        elif method == ReleaseMethod.SYNTHETIC:
            # two empty rows stand for the data: only the parameters and column names are checked here
            SynthesizeConfig.from_dict(parameters).validate(pd.DataFrame(columns=columns, index=[0, 1]))
        else:
            raise InvalidTransition({"method": _("Unknown method.")})
    except InputError as exc:
        raise InvalidTransition(_("These parameters cannot be used: %(reason)s") % {"reason": exc}) from exc


def _check_source(by: Any, dataset: Dataset) -> None:
    if dataset.source == DatasetSource.CASES and not research_case_ids([by.organization_id]):
        raise InvalidTransition(
            {"source": _("No case of your organization currently allows research use: there is nothing to release.")}
        )


def budget_message(dataset: Dataset, epsilon: float) -> str:
    return _(
        "The privacy budget of this dataset would be exceeded: this release needs ε = %(eps)s but only %(left)s is left of %(total)s."
    ) % {"eps": f"{epsilon:g}", "left": f"{remaining_epsilon(dataset):g}", "total": f"{dataset.total_epsilon:g}"}


def create_release(
    *, by: Any, dataset: Dataset, label: str, method: str, parameters: dict[str, Any]
) -> Release:
    """Check, reserve the budget (synthetic), store the release and start its run in the background."""
    require_preparer(by, dataset)
    check_parameters(dataset, method, parameters)
    _check_source(by, dataset)
    epsilon = float(parameters["epsilon"]) if method == ReleaseMethod.SYNTHETIC else None
    with transaction.atomic():
        locked = Dataset.objects.select_for_update().get(pk=dataset.pk)  # one spender at a time
        if epsilon is not None and not fits_budget(locked, epsilon):
            raise InvalidTransition({"epsilon": budget_message(locked, epsilon)})
        release = Release.objects.create(
            organization=by.organization,
            dataset=locked,
            created_by=by.user,
            label=label[:200],  # empty: the dataset's title, worded when shown
            method=method,
            parameters=parameters,
            epsilon=epsilon,
            epsilon_spent=epsilon,  # reserved whole; a failed run settles it (ctm.privacy.domain.spending)
        )
        log(
            "privacy.release.created",
            by,
            release,
            release.title,
            {"method": [None, method], "epsilon": [None, epsilon], "dataset": [None, locked.pk]},
        )
        start_run(release)
    release.refresh_from_db()  # the run may already have moved it on
    return release


def start_run(release: Release) -> None:
    from ctm.privacy.domain import tasks

    jobs.submit(tasks.run_release, release.pk)


@job_scope(Release)  # run by the worker, outside a request: the row's organization
def after_interruption(pk: int, again: bool) -> None:
    """The worker running this release stopped (a restart): failed at once (never run again by itself:
    see ctm.privacy.domain.tasks); its ε is settled like any failed run's (`spent_if_measuring`)."""
    settle_failure(pk, failure("interrupted"), spent=spent_if_measuring, action="privacy.release.interrupted")


def mark_interrupted(release: Release) -> bool:
    """A run with no sign of life for CTM_RELEASE_STALE_MINUTES was interrupted, and no worker came back
    to say so: failed when its page is opened. A queued release waits for a worker."""
    limit = timezone.now() - datetime.timedelta(minutes=settings.CTM_RELEASE_STALE_MINUTES)
    if release.status != ReleaseStatus.RUNNING or release.updated_at > limit:
        return False
    settled = settle_failure(
        release.pk, failure("stale"), spent=spent_if_measuring, action="privacy.release.interrupted",
        states=[ReleaseStatus.RUNNING], stale_before=limit,
    )  # fmt: skip
    release.refresh_from_db()
    return settled is not None


def review_release(release: Release, *, by: Any, decision: str, reason: str) -> Release:
    """The second person's decision. The person who prepared a release never approves it."""
    require_reviewer(by, release)
    if release.created_by_id == by.user_id:
        raise InvalidTransition(_("You prepared this release: another person must review it."))
    if decision not in (Decision.APPROVE, Decision.REJECT):
        raise InvalidTransition({"decision": _("Choose approve or reject.")})
    if not reason.strip():
        raise InvalidTransition({"reason": _("Give the reason for your decision.")})
    new = ReleaseStatus.APPROVED if decision == Decision.APPROVE else ReleaseStatus.REJECTED
    with transaction.atomic():
        lock(release)
        if release.status != ReleaseStatus.READY:
            raise InvalidTransition(_("Only a release awaiting approval can be approved or rejected."))
        release.status, release.reviewed_by, release.reviewed_at = new, by.user, timezone.now()
        release.review_reason = reason.strip()
        release.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_reason", "updated_at"])
        log(f"privacy.release.{new}", by, release, release.title, {"status": [ReleaseStatus.READY, new]})
    return release


def _check_consent_still_holds(release: Release) -> None:
    """Own cases: everyone in the preview must still allow research use today."""
    if release.dataset.source != DatasetSource.CASES:
        return
    withdrawn = set(release.case_ids) - set(research_case_ids([release.organization_id]))
    if withdrawn:
        raise InvalidTransition(
            _(
                "Since the preview, %(n)s person(s) withdrew their consent to research use: this release can no longer be published. Prepare a new release."
            )
            % {"n": len(withdrawn)}
        )


def publish_release(release: Release, *, by: Any) -> Release:
    """Write the immutable files and the manifest, then mark the release published (all or nothing)."""
    require_preparer(by, release)
    with transaction.atomic():  # the release stays locked while its files are written
        lock(release)
        if release.status != ReleaseStatus.APPROVED:
            raise InvalidTransition(_("Only an approved release can be published."))
        _check_consent_still_holds(release)
        return _publish(release, by=by)


def _publish(release: Release, *, by: Any) -> Release:
    now = timezone.now()
    try:
        with translation.override(settings.LANGUAGE_CODE):  # public files speak the installation's language
            work, manifest = files.write_release(release, release_frame(release), now.isoformat(timespec="seconds"))
    except OSError as exc:
        raise InvalidTransition(
            _("The files could not be written (%(reason)s); nothing was published.") % {"reason": exc.strerror or exc}
        ) from exc
    try:
        with transaction.atomic():
            release.status, release.published_by, release.published_at = ReleaseStatus.PUBLISHED, by.user, now
            release.manifest = manifest
            release.manifest_sha256 = files.sha256(work / "manifest.json")
            release.save(
                update_fields=["status", "published_by", "published_at", "manifest", "manifest_sha256", "updated_at"]
            )
            log("privacy.release.published", by, release, release.title,
                {"status": [ReleaseStatus.APPROVED, ReleaseStatus.PUBLISHED],
                 "files": [None, [f["name"] for f in manifest["files"]]]})  # fmt: skip
            files.move_into_place(work, release)
    except BaseException:
        files.discard(work)
        raise
    return release


def record_download(release: Release, *, user: Any, name: str) -> None:
    """A logged-in user's download of a published file (anonymous downloads are not attributable)."""
    if name not in PUBLISHED_FILES:
        raise InvalidTransition(_("No such file."))
    record(
        "privacy.release.downloaded",
        actor=user,
        organization=release.organization,
        obj=release,
        label=release.title,
        changes={"file": [None, name]},
    )


def manifest_text(release: Release) -> str:
    return json.dumps(release.manifest, indent=2, ensure_ascii=False)
