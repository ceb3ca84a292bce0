"""The assistance app's jobs on the queue (`ctm worker`): e-mails announcing notifications.

Idempotent: a run sends only the notifications not yet marked sent, and marks each in the
transaction that sent it, so a job cut off by a restart is queued again and sends the rest (at most
one message could go twice: the one whose mark the interruption lost)."""

from __future__ import annotations

from ctm.assistance.domain import mail
from ctm.core.domain.jobs import job
from ctm.core.scopes import organization_scope


@job(idempotent=True, on_interrupted=mail.after_interruption)
def email_notifications(organization_id: int, notification_ids: list[int]) -> int:
    with organization_scope(organization_id):  # no request here: the job enters the organization
        return mail.send_notification_emails(organization_id, notification_ids)
