"""`ctm privacy shred` and `ctm privacy due`: retention and erasure of a person's identifying data.

    ctm privacy shred CASE-NUMBER|PERSON-ID --export PATH [--yes]
    ctm privacy due [--organization CODE] [--on YYYY-MM-DD] [--apply --export-dir DIR [--yes]]

`shred` first writes the person's full record to a new ZIP archive (mode 0600; PATH may be a folder),
then erases their identifying data and redacts their activity-log entries, in one transaction.
`due` lists the persons whose retention period has passed under their organization's rule; with
`--apply` it shreds each of them, exporting into DIR. Exit codes: 0 done (or nothing left to erase),
1 an error (nothing changed for that person), 2 a usage error.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from rich.console import Console
from rich.table import Table

from ctm.cases.domain import erasure
from ctm.core.crypto import DecryptionError
from ctm.core.domain.retention import retention_rule_for
from ctm.core.models import Organization

ACTOR = "ctm privacy shred"


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(_("%(text)s is not a date (YYYY-MM-DD).") % {"text": text}, returncode=2) from exc


class Command(BaseCommand):
    help = "Retention and erasure: `ctm privacy shred REF --export PATH`, `ctm privacy due [--apply]`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, metavar="{shred,due}")
        shred = sub.add_parser("shred", help="export, then erase one person's identifying data")
        shred.add_argument("reference", help="a case number of the person, or the person's id")
        shred.add_argument("--export", metavar="PATH", help="the new ZIP archive (or a folder to put it in)")
        shred.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        due = sub.add_parser("due", help="list (or, with --apply, shred) persons past their retention period")
        due.add_argument("--organization", metavar="CODE", help="only this organization")
        due.add_argument("--on", metavar="YYYY-MM-DD", help="as if today were this day (for planning)")
        due.add_argument("--apply", action="store_true", help="export and erase every person listed")
        due.add_argument("--export-dir", metavar="DIR", help="folder for the export archives (with --apply)")
        due.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, action: str, **opts: Any) -> None:
        self.console = Console(file=self.stdout, highlight=False, soft_wrap=True)
        try:
            if action == "shred":
                self.shred(opts["reference"], opts.get("export"), yes=opts["yes"])
            else:
                self.due(opts, apply=opts["apply"])
        except erasure.ErasureError as exc:
            raise CommandError(str(exc)) from exc
        except DecryptionError as exc:
            raise CommandError(
                _("Stored data could not be decrypted (%(error)s): is every key in CTM_ENCRYPTION_KEYS?")
                % {"error": exc}
            ) from exc

    # --- shred ------------------------------------------------------------------------------------

    def shred(self, reference: str, export: str | None, *, yes: bool) -> None:
        person = erasure.find_person(reference)
        try:
            erasure.prepare_shred(person, Path(export) if export else None)
        except erasure.NothingToErase as exc:
            self.console.print(str(exc))
            return
        except erasure.ExportRequired as exc:
            raise CommandError(f"{exc} " + _("Give --export PATH.")) from exc
        label = erasure.case_numbers_label(person) or f"person {person.pk}"
        self.confirm(
            _("This erases the identifying data of person %(id)s (%(cases)s) for good.")
            % {"id": person.pk, "cases": label},
            yes=yes,
        )
        self.report(erasure.shred_person(person, by=ACTOR, export_path=Path(export) if export else None))

    def confirm(self, what: str, *, yes: bool) -> None:
        if yes:
            return
        if not sys.stdin.isatty():
            raise CommandError(_("%(what)s Add --yes to confirm.") % {"what": what})
        self.console.print(what)
        if input(_("Type yes to go on: ")).strip().lower() != "yes":
            raise CommandError(_("Stopped: nothing was changed."))

    def report(self, result: erasure.ShredResult) -> None:
        if result.export is not None:
            self.console.print(
                _("Exported %(rows)d rows and %(files)d attachment file(s) to %(path)s (SHA-256 %(sha)s).")
                % {
                    "rows": result.export.rows,
                    "files": result.export.files,
                    "path": result.export.path,
                    "sha": result.export.sha256,
                }
            )
            self.console.print(
                _(
                    "The archive holds identifying data in plaintext and only you can read it: hand it "
                    "over or store it encrypted, then delete it."
                )
            )
        done = ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in result.erased.items())
        self.console.print(
            _("Erased person %(id)s (%(cases)s): %(done)s.")
            % {"id": result.person_id, "cases": result.case_numbers, "done": done}
        )

    # --- due --------------------------------------------------------------------------------------

    def due(self, opts: dict[str, Any], *, apply: bool) -> None:
        today = _date(opts["on"]) if opts.get("on") else timezone.localdate()
        org = None
        if opts.get("organization"):
            org = Organization.objects.filter(code__iexact=opts["organization"]).first()
            if org is None:
                raise CommandError(
                    _("No organization with code %(code)s.") % {"code": opts["organization"]}, returncode=2
                )
        if opts.get("export_dir") and not apply:
            raise CommandError(_("--export-dir goes with --apply."), returncode=2)
        due = erasure.persons_due(today, org)
        self.print_due(due, today)
        if apply and due:
            self.apply(due, opts.get("export_dir"), yes=opts["yes"])

    def print_due(self, due: list[erasure.DuePerson], today: datetime.date) -> None:
        if not due:
            self.console.print(_("No person is due for erasure on %(day)s.") % {"day": today.isoformat()})
            return
        table = Table(title=_("%(n)d person(s) due for erasure on %(day)s") % {"n": len(due), "day": today})
        for column in (_("person"), _("organization"), _("cases"), _("last closed"), _("due since")):
            table.add_column(column)
        for d in due:
            table.add_row(
                str(d.person_id),
                d.organization,
                d.case_numbers,
                d.last_closed_on.isoformat(),
                d.due_since.isoformat(),
            )
        self.console.print(table)

    def apply(self, due: list[erasure.DuePerson], export_dir: str | None, *, yes: bool) -> None:
        folder = Path(export_dir) if export_dir else None
        if folder is not None and not folder.is_dir():
            raise CommandError(_("The folder %(path)s does not exist.") % {"path": folder}, returncode=2)
        if folder is None:
            needing = sorted({d.organization for d in due if self.requires_export(d.organization)})
            if needing:
                raise CommandError(
                    _(
                        "The retention rule of %(orgs)s requires an export before erasure: give --export-dir DIR."
                    )
                    % {"orgs": ", ".join(needing)}
                )
        self.confirm(
            _("This exports and erases the identifying data of %(n)d person(s) for good.") % {"n": len(due)},
            yes=yes,
        )
        failed = 0
        for d in due:  # one transaction per person: a failure leaves the others done
            try:
                person = erasure.find_person(str(d.person_id))
                self.report(erasure.shred_person(person, by=ACTOR, export_path=folder))
            except erasure.NothingToErase as exc:
                self.console.print(str(exc))
            except (erasure.ErasureError, DecryptionError) as exc:
                failed += 1
                self.stderr.write(_("Person %(id)s: %(error)s") % {"id": d.person_id, "error": exc})
        if failed:
            raise CommandError(
                _("%(failed)d of %(n)d person(s) could not be erased.") % {"failed": failed, "n": len(due)}
            )

    @staticmethod
    def requires_export(code: str) -> bool:
        org = Organization.objects.get(code=code)
        return bool(retention_rule_for(org).require_export)
