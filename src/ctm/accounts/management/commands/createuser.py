"""`ctm createuser USERNAME --org CODE --role ROLE [--office CODE] [--password-stdin | --password P]
[--platform-admin]`: create a user with a membership in one organization, and log it."""

from __future__ import annotations

import getpass
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from ctm.accounts.models import User
from ctm.core.domain.activity import record
from ctm.core.enums import Role
from ctm.core.models import Membership, Office, Organization


class Command(BaseCommand):
    help = "Create a user with a role in an organization (and optionally make them a platform admin)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--org", help="organization code, e.g. CHI")
        parser.add_argument("--role", help=f"one of: {', '.join(Role.values)}")
        parser.add_argument("--office", help="office code inside the organization (default: none)")
        parser.add_argument("--email", default="")
        secret = parser.add_mutually_exclusive_group()
        secret.add_argument(
            "--password", help="the password (visible in the shell history: prefer --password-stdin)"
        )
        secret.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )
        parser.add_argument("--platform-admin", action="store_true", help="make the user a platform admin")

    def handle(self, *args: Any, **opts: Any) -> None:
        username = opts["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        org, role, office = self.membership_target(opts)
        password = self.read_password(opts)
        user = User(
            username=username,
            email=opts["email"],
            is_superuser=opts["platform_admin"],
            is_staff=opts["platform_admin"],
        )
        if password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise CommandError("Password refused: " + " ".join(exc.messages)) from exc
        with transaction.atomic():
            user.set_password(password) if password else user.set_unusable_password()
            user.save()
            changes: dict[str, Any] = {"platform_admin": [None, user.is_superuser]}
            if org is not None:
                Membership.objects.create(user=user, organization=org, role=role, office=office)
                changes |= {"role": [None, role], "office": [None, office.code if office else None]}
            record(
                "accounts.user.created",
                actor=_cli_actor(),
                organization=org,
                obj=user,
                label=username,
                changes=changes,
            )
        where = f" as {role} in {org.code}" + (f" ({office.code})" if office else "") if org else ""
        admin = " (platform admin)" if user.is_superuser else ""
        self.stdout.write(self.style.SUCCESS(f"Created user {username}{where}{admin}."))
        if not password:
            self.stdout.write("No password given: the user cannot log in until one is set.")

    def membership_target(self, opts: dict[str, Any]) -> tuple[Organization | None, str, Office | None]:
        code, role = opts["org"], opts["role"]
        if not code and not role and opts["platform_admin"]:
            return None, "", None
        if not code or not role:
            raise CommandError(
                "--org and --role are required (only a platform admin may have no organization)."
            )
        if role not in Role.values:
            raise CommandError(f"Unknown role {role!r}; choose one of: {', '.join(Role.values)}.")
        org = Organization.objects.filter(code__iexact=code.strip()).first()
        if org is None:
            known = (
                ", ".join(Organization.objects.order_by("code").values_list("code", flat=True)) or "none yet"
            )
            raise CommandError(f"Unknown organization {code!r} (known codes: {known}).")
        office = None
        if opts["office"]:
            office = Office.objects.filter(organization=org, code__iexact=opts["office"].strip()).first()
            if office is None:
                known = ", ".join(org.offices.order_by("code").values_list("code", flat=True)) or "none"
                raise CommandError(f"Unknown office {opts['office']!r} in {org.code} (its offices: {known}).")
        return org, role, office

    def read_password(self, opts: dict[str, Any]) -> str:
        if opts["password_stdin"]:
            return sys.stdin.readline().rstrip("\r\n")
        return str(opts["password"] or "")


def _cli_actor() -> str:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        who = "unknown"
    return f"ctm createuser ({who})"
