"""`ctm remind_overdue`: notify, once, the people each overdue task is for (run daily, e.g. by cron
or a systemd timer). Each organization in its own scope and transaction."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ctm.assistance.domain.work import notify_overdue
from ctm.core.models import Organization
from ctm.core.scopes import organization_scope


class Command(BaseCommand):
    help = "Notify the people overdue tasks are for (once per task)."

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for organization in Organization.objects.order_by("pk"):
            with organization_scope(organization):
                total += notify_overdue(organization)
        self.stdout.write(f"{total} overdue task(s) notified.")
