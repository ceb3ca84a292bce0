"""The core app's jobs on the queue (`ctm worker`): the manager views' snapshots.

`refresh_dashboard(snapshot_id)` computes one snapshot (organization, office, language) again. The
dashboard queues it when the row it shows is older than CTM_DASHBOARD_REFRESH_SECONDS. Idempotent:
a run counts again and stores the figures in one UPDATE, so a job cut off by a restart is queued
again; one that gives up clears the row's mark, so that the next visit queues a new one."""

from __future__ import annotations

from ctm.core.domain.jobs import job
from ctm.core.scopes import organization_scope


def after_interruption(snapshot_id: int, again: bool) -> None:
    if again:
        return  # queued again: the row's mark stays
    from ctm.core.models import PanelSnapshot
    from ctm.core.scopes import scopes_disabled

    with scopes_disabled():  # the row's id is all the job has; it only clears its mark
        PanelSnapshot.objects.filter(pk=snapshot_id).update(refresh_requested_at=None)


@job(idempotent=True, on_interrupted=after_interruption)
def refresh_dashboard(snapshot_id: int, organization_id: int) -> bool:
    from ctm.core.panels import refresh_snapshot

    with organization_scope(organization_id):  # no request here: the job enters the organization
        return refresh_snapshot(snapshot_id)
