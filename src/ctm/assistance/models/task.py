"""Tasks with due dates raised by events on a case, and in-app notifications.

Neither carries identifying data: a task or a notification names its kind and the case number only
(the case page, behind its door, shows the rest)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ctm.assistance.enums import NOTIFICATION_KINDS, TaskKind, TaskStatus
from ctm.core.enums import Role
from ctm.core.models import TenantModel


class Task(TenantModel):
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(
        "core.Office", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("task"), max_length=24, choices=TaskKind.choices)
    # For one person, or for whoever holds a role in the case's organization (and office, if any).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    role = models.CharField(_("for the role"), max_length=20, choices=Role.choices, blank=True)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=8, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_on = models.DateField(null=True, blank=True)  # once, by `ctm remind_overdue`

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("task")
        indexes = [
            models.Index(fields=["organization", "status", "due_on"], name="task_org_open_due"),
            models.Index(fields=["assignee", "status", "due_on"], name="task_assignee_open_due"),
            # The manager views' open tasks per kind and due date (assistance.tasks): the open tasks
            # only, with the case they wait on, so PostgreSQL counts from this index alone.
            models.Index(
                fields=["organization", "office", "kind", "due_on", "case"],
                condition=models.Q(status="open"),
                name="task_open_panel",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                # per organization: a case referred to two organizations has an answer due in each
                fields=["organization", "case", "kind"],
                condition=models.Q(status="open"),
                name="task_one_open_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.case_id}"


class Notification(TenantModel):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(_("about"), max_length=24, choices=NOTIFICATION_KINDS)
    # Where it leads, a page inside CTM (e.g. a referral's): a path, never identifying data.
    link = models.CharField(max_length=200, blank=True, default="")
    overdue = models.BooleanField(_("overdue"), default=False)  # "this task is now overdue"
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)  # announced by e-mail (opt-in), once

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return f"Notification {self.pk}"
