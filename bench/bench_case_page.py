"""Case page benchmark: what one request for a case's page costs the web process (wall and CPU time,
queries), a caseworker opening a case with a realistic amount of content.

    python bench/bench_case_page.py [--requests 300] [--warmup 30] [--cases 300] [--extra 2]
                                    [--sqlite-file PATH | --pg-db NAME] [--reseed] [--profile [N]]
                                    [--no-record] [--json FILE]

The data are the demo's (`ctm demo --cases N`, seeded, reproducible: organizations, caseworkers,
cases through the domain functions, assistance, referrals, reintegration), loaded once into the
bench's own database (SQLite: var/bench/case_page.sqlite3 or --sqlite-file; PostgreSQL: --pg-db, a
database this bench creates and marks, on 127.0.0.1:5432, user postgres) and kept for the next run
(--reseed loads them again); each run measures a fresh copy of it (each request appends a logged
read to the activity log). The case measured is the demo's richest case owned by a caseworker (most
notes, files, events, documents, consents, assistance records, referrals, tasks and log entries),
given `--extra` more of each of the register's parts the page lists (a note, a file, an event, a
document, a referral consent each, through the domain functions, when the demo is loaded). Its owner is signed in
through Django's test client; after the warm-up, each request's wall time (time.perf_counter) and
CPU time of this process (time.process_time: the request, middleware, ORM, template; on SQLite the
database's work too, on PostgreSQL not the server's) are timed, and the queries of one request are
counted. `--profile` runs the timed requests again under cProfile and prints the top functions (by
own time and by cumulative time).

Results go to docs/benchmarks.md, section "## Case page (one request)" only, unless --no-record.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from bench_cases import PG_ADMIN_URL, PG_URL, own_pg_database, remove_sqlite
from benchdoc import load_average, machine, publish

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
SQLITE_FILE = VAR / "case_page.sqlite3"
MARK = "created by CTM's bench/bench_case_page.py"
SECTION = "## Case page (one request)"


# --- the database ----------------------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> None:
    """The bench's own database, created (or emptied with --reseed) when needed; never another."""
    VAR.mkdir(parents=True, exist_ok=True)
    if not args.pg_db:
        path = Path(args.sqlite_file)
        if args.reseed:
            if path.exists() and path.resolve() != SQLITE_FILE.resolve() and not path.name.startswith("case_page"):
                raise SystemExit(f"{path} is not the bench's own file: give a new path.")
            remove_sqlite(path)
        return
    own_pg_database(args.pg_db, MARK, keep=not args.reseed)


def setup_django(args: argparse.Namespace) -> None:
    url = PG_URL.format(name=args.pg_db) if args.pg_db else f"sqlite:///{args.sqlite_file}"
    os.environ["CTM_DATABASE_URL"] = url
    os.environ.setdefault("CTM_VAR_DIR", str(VAR))
    os.environ.setdefault("CTM_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    import django

    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]


def seed(args: argparse.Namespace) -> float:
    """The demo, once (migrations always: a seeded database follows the schema)."""
    import io

    from django.core.management import call_command

    from ctm.cases.demo_data import DEMO_ORGS
    from ctm.core.models import Organization

    call_command("migrate", verbosity=0, interactive=False)
    if Organization.objects.filter(code=DEMO_ORGS[0].code).exists():
        return 0.0
    started = time.monotonic()
    call_command("demo", cases=args.cases, seed=42, stdout=io.StringIO())
    from ctm.core.scopes import scopes_disabled

    with scopes_disabled():  # a platform script's writes, as `ctm demo` (each domain call checks its writer)
        enrich(richest_case(), args.extra)
    return time.monotonic() - started


# --- the case ---------------------------------------------------------------------------------------------


def content(case: Any) -> dict[str, int]:
    """How much of each part the page shows (or counts) the case holds."""
    from ctm.assistance.models import AssistancePlan, RiskAssessment, ServiceRecord, Task
    from ctm.cases import models as m
    from ctm.core.models import ActivityLog
    from ctm.referrals.models import Referral

    per_case = {
        "notes": m.Note,
        "files": m.Attachment,
        "events": m.TraffickingEvent,
        "consents": m.Consent,
        "decisions": m.EligibilityDecision,
        "assessments": RiskAssessment,
        "plans": AssistancePlan,
        "services": ServiceRecord,
        "tasks": Task,
        "referrals": Referral,
    }
    out = {name: model.objects.filter(case=case).count() for name, model in per_case.items()}
    out["documents"] = m.IdentityDocument.objects.filter(person_id=case.person_id).count()
    out["log entries"] = ActivityLog.objects.filter(object_type="cases.case", object_id=str(case.pk)).count()
    return out


def richest_case() -> Any:
    """The demo case owned by a caseworker with the most content (referred cases first)."""
    from ctm.cases.models import Case
    from ctm.core.enums import Role
    from ctm.core.models import Membership
    from ctm.referrals.models import Referral

    workers = Membership.objects.filter(role=Role.CASEWORKER, is_active=True).values_list("user_id", flat=True)
    referred = Referral.objects.values_list("case_id", flat=True)
    candidates = list(Case.objects.filter(pk__in=referred, owner_id__in=workers).order_by("number"))
    return max(candidates, key=lambda c: (sum(content(c).values()), c.number))


def enrich(case: Any, extra: int) -> None:
    """`extra` more of each register part the page lists, through the domain functions (at seeding)."""
    from ctm.cases.domain import consent, notes, persons, screening
    from ctm.cases.models import Case
    from ctm.core.models import Membership, Organization

    if extra <= 0:
        return
    by = Membership.objects.get(user_id=case.owner_id, organization_id=case.organization_id)
    partner = Organization.objects.exclude(pk=case.organization_id).order_by("code").first()
    for i in range(extra):
        notes.add_note(case, by=by, body=f"Bench: note {i + 1} (fictional).")
        notes.add_attachment(case, by=by, filename=f"bench-{i}.txt", data=b"Fictional scan.")
        fresh = Case.objects.get(pk=case.pk)
        screening.add_event(fresh, by=by, data={"event_type": "Transit", "country": "RO", "place": f"Bench {i}"})
        persons.add_document(Case.objects.get(pk=case.pk), by=by, data={"kind": "Passport", "number": f"BN{i}0042"})
        consent.record_consent(
            Case.objects.get(pk=case.pk),
            by=by,
            data={
                "scope": "referral",
                "given_on": datetime.date.today(),  # noqa: DTZ011  (a date as the form gives it)
                "given_by": "person",
                "referral_organization": partner,
            },
        )


# --- measuring ----------------------------------------------------------------------------------------------


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from ctm.accounts.models import User
    from ctm.core.scopes import scopes_disabled

    with scopes_disabled():  # the bench's own reads, as a platform script; the page enters its scope
        case = richest_case()
        held = content(case)
        owner = User.objects.get(pk=case.owner_id)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    work_on_a_copy(args)
    client = Client()
    client.force_login(owner)
    url = reverse("cases:detail", args=[case.number])

    def get() -> int:
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return len(response.content)

    for _ in range(args.warmup):
        size = get()
    queries: list[str] = []
    with connection.execute_wrapper(lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)):
        get()
    walls, cpus = [], []
    for _ in range(args.requests):
        w0, c0 = time.perf_counter(), time.process_time()
        get()
        cpus.append((time.process_time() - c0) * 1000)
        walls.append((time.perf_counter() - w0) * 1000)
    if args.profile:
        profile(get, args)
    server = (
        f"SQLite {connection.Database.sqlite_version}"
        if connection.vendor == "sqlite"
        else f"PostgreSQL {connection.cursor().connection.info.server_version // 10000}"
    )
    return {
        "server": server,
        "case": case.number,
        "content": held,
        "bytes": size,
        "queries": len(queries),
        "wall": quantiles(walls),
        "cpu": quantiles(cpus),
    }


def work_on_a_copy(args: argparse.Namespace) -> None:
    """Measure on a copy of the seeded database, made afresh for each run: every request appends its
    logged read to the activity log (and the case's timeline skips them), so a run measured on the
    database an earlier run left would read more than the first one did."""
    from django.db import connection

    connection.close()
    if connection.vendor == "sqlite":
        copy = f"{args.sqlite_file}.run"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)
        import sqlite3

        with sqlite3.connect(args.sqlite_file) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        connection.settings_dict["NAME"] = copy
        return
    import psycopg
    from psycopg import sql

    copy = f"{args.pg_db}_run"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(copy)))
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(copy), sql.Identifier(args.pg_db))
        )
    connection.settings_dict["NAME"] = copy


def quantiles(values: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(values), "p95": statistics.quantiles(values, n=100)[94]}


def profile(get: Any, args: argparse.Namespace) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        get()
    profiler.disable()
    if args.profile_file:
        profiler.dump_stats(args.profile_file)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs()
    for order in ("tottime", "cumulative"):
        print(f"\n-- cProfile, {args.requests} requests, top {args.profile} by {order}", flush=True)
        stats.sort_stats(order).print_stats(args.profile)


# --- the record -------------------------------------------------------------------------------------------


def command(args: argparse.Namespace) -> str:
    words = ["python bench/bench_case_page.py", f"--requests {args.requests}", f"--cases {args.cases}"]
    if args.extra != 2:
        words.append(f"--extra {args.extra}")
    if args.pg_db:
        words.append(f"--pg-db {args.pg_db}")
    return " ".join(words)


def render(result: dict[str, Any], args: argparse.Namespace) -> str:
    held = ", ".join(f"{n} {k}" for k, n in result["content"].items())
    w, c = result["wall"], result["cpu"]
    seeded = f", seeded in {result['seed_seconds']:.0f} s" if result["seed_seconds"] else ""
    return "\n".join(
        [
            SECTION,
            "",
            "(see `bench/bench_case_page.py`; written by the run)",
            "",
            f"Run on {datetime.date.today().isoformat()} with `{command(args)}`; machine: {machine()}, "  # noqa: DTZ011  (a date for people)
            f"shared with other work (load average {args.load}). {result['server']}, the demo's data "
            f"({args.cases} cases{seeded}).",
            "",
            f"Case {result['case']} (its owner, a caseworker, signed in through Django's test client): {held}. "
            f"One request: {result['queries']} queries, {result['bytes']:,} bytes of HTML. "
            f"{args.requests} requests after {args.warmup} to warm up, in milliseconds; CPU is this process's "
            "(time.process_time: request, middleware, ORM, template"
            + (", and SQLite's work" if result["server"].startswith("SQLite") else ", not the database server's")
            + ").",
            "",
            "| case page | p50 | p95 |",
            "|---|---:|---:|",
            f"| wall | {w['p50']:.1f} | {w['p95']:.1f} |",
            f"| CPU | {c['p50']:.1f} | {c['p95']:.1f} |",
            "",
        ]
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--cases", type=int, default=300, help="the demo's cases (seeding only)")
    parser.add_argument("--extra", type=int, default=2, help="more of each register part, added once")
    parser.add_argument("--sqlite-file", default=str(SQLITE_FILE))
    parser.add_argument("--pg-db", default="", help="a PostgreSQL database of the bench's own")
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--profile", type=int, nargs="?", const=40, default=0, help="cProfile top N (40)")
    parser.add_argument("--profile-file", help="with --profile: the raw statistics, for pstats")
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--json")
    parser.add_argument("--backends", help=argparse.SUPPRESS)  # run_all's common options
    parser.add_argument("--samples", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    load = os.getloadavg()[0]
    prepare(args)
    setup_django(args)
    seconds = seed(args)
    result = {**measure(args), "seed_seconds": seconds}
    args.load = load_average(load)
    w, c = result["wall"], result["cpu"]
    print(
        f"case {result['case']}: {result['queries']} queries; wall p50 {w['p50']:.1f} p95 {w['p95']:.1f} ms; "
        f"CPU p50 {c['p50']:.1f} p95 {c['p95']:.1f} ms",
        flush=True,
    )
    if args.json:
        Path(args.json).write_text(json.dumps({"load": args.load, "result": result}))
    publish(render(result, args), SECTION, record=not args.no_record)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
