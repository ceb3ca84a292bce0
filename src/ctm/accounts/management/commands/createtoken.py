"""`ctm createtoken USERNAME --org CODE [--name NAME]`: create an API token and print it once.

Refused for a user who signs in with two-factor (a command proves no second factor)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from ctm.accounts.domain.auth import create_api_token, needs_two_factor
from ctm.core.models import Membership


class Command(BaseCommand):  # type: ignore[misc]  # Django ships without type stubs
    help = "Create an API token bound to a user's membership in an organization; the token is printed once."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username")
        parser.add_argument("--org", required=True, help="organization code, e.g. CHI")
        parser.add_argument("--name", default="command line", help="a name to recognize the token by")

    def handle(self, *args: Any, username: str, org: str, name: str, **options: Any) -> None:
        membership = (
            Membership.objects.select_related("user", "organization")
            .filter(user__username=username, organization__code=org.upper(), is_active=True)
            .first()
        )
        if membership is None:
            raise CommandError(f"{username} has no active membership in {org}")
        if needs_two_factor(membership.user, membership):
            # docs/decisions/0701-api-tokens-and-two-factor.md: only a session that passed two-factor
            raise CommandError(
                f"{username} signs in with two-factor in {membership.organization.code}: they create their "
                "token on the API tokens page after signing in with their second factor."
            )
        _token, raw = create_api_token(membership, name=name[:100], by=membership.user)
        self.stdout.write(raw)
