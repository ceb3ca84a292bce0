"""The `ctm` console command.

Engine commands (anonymize, synthesize, link, overlaps, estimate) run without Django: they read and
write files. Every other word is handed to Django's management commands, so `ctm serve`,
`ctm demo`, `ctm createuser`, `ctm audit verify` and `ctm keys rotate` are thin wrappers over domain
code, as the house style asks.
"""

from __future__ import annotations

import importlib
import os
import sys

ENGINE_COMMANDS: dict[str, str] = {
    "anonymize": "ctm.privacy.cli:anonymize_main",
    "synthesize": "ctm.privacy.cli:synthesize_main",
    "link": "ctm.linkage.cli:link_main",
    "overlaps": "ctm.linkage.cli:overlaps_main",
    "estimate": "ctm.linkage.cli:estimate_main",
    "linkage-generate": "ctm.linkage.cli:generate_main",
}

HELP = """usage: ctm COMMAND [ARGS...]

Platform commands (Django):
  serve [--host H] [--port P]   serve CTM with gunicorn and a job worker (default http://127.0.0.1:8000)
  worker                        run the queued jobs (linkage runs, estimates, releases)
  backup --out DIR              an encrypted backup (database, files, releases); restore DIR
  runserver                     Django's development server (development only)
  demo [--cases N] [--seed S] [--reset [--yes]]
                                migrate and load fictional demo data, print demo users
  createuser                    create a user with a membership and role
  createtoken USER --org CODE   create an API token for a user (printed once)
  api_schema                    write the OpenAPI schema (docs/openapi.json)
  audit verify                  check the activity log's hash chain
  keys status                   count the stored values under each key id
  keys rotate                   re-encrypt identifying data under the newest key
  reindex [--organization CODE] recompute the persons' search keys (after an upgrade)
  privacy shred                 export then erase one person's identifying data
  remind_overdue                notify, once, the people overdue tasks are for (run daily)
  migrate, check, ...           any Django management command

Engine commands (files in, files out, no database):
  anonymize INPUT --k K --qi COLS --out OUT.csv --report REPORT.json
  synthesize INPUT --epsilon E --out OUT.csv --report REPORT.json
  link LIST.csv [LIST.csv ...] [--threshold P] --out CLUSTERS.csv
  linkage-generate              write labelled test lists (fictional people, known overlaps)
  overlaps CLUSTERS.csv --out TABLE.csv
  estimate FILE.csv [--method stepwise|aic|bic|main] --json
"""


def _run_engine(target: str, argv: list[str]) -> int:
    module_name, func_name = target.split(":")
    func = getattr(importlib.import_module(module_name), func_name)
    return int(func(argv) or 0)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        sys.stdout.write(HELP)
        return 0
    if args[0] in ENGINE_COMMANDS:
        return _run_engine(ENGINE_COMMANDS[args[0]], args[1:])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(["ctm", *args])
    except ImproperlyConfigured as exc:  # e.g. CTM_PRODUCTION=1 refusing unsafe settings
        sys.stderr.write(f"ctm: {exc}\n")
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
