"""`ctm reindex [--organization CODE]`: recompute the search keys (blind indexes) of the persons of
every organization, or of one. Run after an upgrade that adds a kind of search key (see CHANGELOG)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from ctm.cases.domain.persons import refresh_search_keys
from ctm.core.models import Organization


class Command(BaseCommand):
    help = "Recompute the search keys of the persons of every organization (or of one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organization", default="", help="the organization's code")

    def handle(self, *args: Any, **options: Any) -> None:
        organizations = list(Organization.objects.order_by("code"))  # not tenant-owned rows
        if options["organization"]:
            organizations = [o for o in organizations if o.code == options["organization"]]
            if not organizations:
                raise CommandError(f"No organization {options['organization']}.", returncode=2)
        for organization in organizations:
            count = refresh_search_keys(organization, actor="ctm reindex")  # in its scope
            self.stdout.write(f"{organization.code}: {count} persons")
