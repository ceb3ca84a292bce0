"""Notifications announced by e-mail, for the people who opted in (`User.notify_by_email`).

Run by the job worker (`tasks.email_notifications`), never in the request that raised the
notification: the request only queues the job, in its own transaction. The message names the kind
of notification and links to "My work"; it never carries identifying data — no person, no case
number, no free text (an e-mail leaves CTM's protection: mail servers, inboxes, phones).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ctm.accounts.models import User
from ctm.assistance.enums import NOTIFICATION_KINDS
from ctm.assistance.models import Notification
from ctm.core.domain.jobs import submit


def queue_emails(notifications: list[Notification]) -> None:
    """In the transaction that created the notifications: queue one job for those whose person
    opted in (nothing is queued when nobody did)."""
    from ctm.assistance.domain.tasks import email_notifications  # the job module imports this one

    users = {n.user_id for n in notifications}
    wanting = set(User.objects.filter(pk__in=users, notify_by_email=True).exclude(email="").values_list("pk", flat=True))
    ids = [n.pk for n in notifications if n.user_id in wanting and n.pk is not None]
    if ids:
        submit(email_notifications, notifications[0].organization_id, ids)


def message_for(notification: Notification) -> tuple[str, str]:
    """Subject and body, in the person's language: the kind of notification, and where to read it."""
    user = notification.user
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        kind = str(dict(NOTIFICATION_KINDS).get(notification.kind, _("a notification")))
        subject = _("CTM: a task is overdue") if notification.overdue else _("CTM: something waits for you")
        link = settings.CTM_BASE_URL.rstrip("/") + reverse("assistance:my_work")
        body = _(
            "Hello %(username)s,\n\n"
            "Something in CTM waits for you: %(kind)s.\n"
            "Sign in to read it: %(link)s\n\n"
            "This message names no person and no case: CTM never sends them by e-mail.\n"
            "To stop these messages, open your account page in CTM."
        ) % {"username": user.username, "kind": kind, "link": link}
    return subject, body


def send_notification_emails(organization_id: int, ids: list[int]) -> int:
    """Send the e-mails not sent yet (a job run again after an interruption sends the others only);
    each row is marked in the transaction that sent it. Returns how many were sent."""
    sent = 0
    connection = get_connection()
    for pk in ids:
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update(skip_locked=True)
                .select_related("user")
                .filter(pk=pk, organization_id=organization_id, emailed_at__isnull=True)
                .first()
            )
            if row is None or not row.user.notify_by_email or not row.user.email:
                continue
            subject, body = message_for(row)
            EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [row.user.email], connection=connection).send()
            row.emailed_at = timezone.now()
            row.save(update_fields=["emailed_at"])
            sent += 1
    return sent


def after_interruption(organization_id: int, again: bool) -> None:
    """Nothing to settle: the job has no row of its own; a run again sends what is left."""
