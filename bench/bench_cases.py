"""Case register benchmark: 200,000 fictional cases in SQLite and in PostgreSQL; p50/p95 of the reads.

    python bench/bench_cases.py [--cases 200000] [--samples 300] [--backends sqlite,postgres] [--no-record]
                                [--measure-only] [--json FILE] [--pg-db NAME] [--sqlite-file PATH]

For each backend a worker process gets its own database (SQLite: var/bench/bench.sqlite3 or
--sqlite-file; PostgreSQL: database --pg-db, default `ctm_bench`, on 127.0.0.1:5432, user postgres),
migrates it, bulk-loads the
cases planned by `ctm.cases.demo_data.CaseSampler` (the demo's CTDC-shaped generator) with the real
encryption and blind indexes, gives each caseworker a realistic caseload, shares each case closed as
referred with the organization it was referred to, runs ANALYZE (VACUUM ANALYZE on PostgreSQL, the
state autovacuum keeps), then times the reads as the pages make them. `--measure-only` skips the
seeding but still migrates, so a seeded database can be re-measured after a schema change.

- case list: `case_rows(membership, CaseFilters(...))` through the list's CappedPaginator (count up to
  10,001, first page of 25), over a mix of filters, for the largest organization's case manager (own
  and shared-in cases) and for one of its caseworkers;
- search by number: the list filtered on one case number;
- search by exact name and birth date: `search_by_name_and_birth` (blind index), first 50 rows;
- case page: the queries of `case_detail_view` (get_case_for_user, view_person and every part of the
  page, timeline included), without template rendering.

The bench creates its PostgreSQL database and marks it with a comment; it drops and re-creates only a
database that carries its mark (or none that exists), and refuses any other: it never drops a database
it did not create. Results go to docs/benchmarks.md, section "## Case register" only; nothing but what
this run measured is written there.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from benchdoc import load_average, machine, publish, record_in_doc

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "bench"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_URL = "postgres://postgres@127.0.0.1:5432/{name}"
MARK = "created by CTM's bench/bench_cases.py"
GOAL_MS = 50.0
CHUNK = 5000
CASELOAD = 200  # cases per caseworker


# --- parent: prepare databases, run workers, record --------------------------------------------------


def database_url(backend: str, args: argparse.Namespace) -> str:
    if backend == "sqlite":
        return f"sqlite:///{args.sqlite_file}"
    return PG_URL.format(name=args.pg_db)


def pg_database_mark(name: str) -> str | None:
    """The comment on database `name` ("" when it has none), or None when it does not exist."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        row = conn.execute(
            "SELECT coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
    return None if row is None else str(row[0])


def remove_sqlite(path: str | Path) -> None:
    """An SQLite database file of a bench, with its write-ahead log and journal."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def own_pg_database(name: str, mark: str, *, keep: bool = False) -> None:
    """The bench's PostgreSQL database `name`, commented with the bench's `mark`: created when missing,
    dropped and created again when it carries the mark (unless `keep`); a database without that mark
    is never touched (the run stops)."""
    import psycopg
    from psycopg import sql

    found = pg_database_mark(name)
    if found is not None and found != mark:
        raise SystemExit(
            f"database {name!r} exists and was not created by this bench: it is left alone. "
            "Choose another name with --pg-db (or drop it yourself)."
        )
    ident = sql.Identifier(name)
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        if found is not None and not keep:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(ident))
            found = None
        if found is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(ident))
            conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(ident, sql.Literal(mark)))


def prepare(backend: str, args: argparse.Namespace) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    if backend == "sqlite":
        if Path(args.sqlite_file).exists() and Path(args.sqlite_file).resolve() != (VAR / "bench.sqlite3").resolve():
            raise SystemExit(f"{args.sqlite_file} exists and is not the bench's own file: give a new path.")
        remove_sqlite(args.sqlite_file)
        return
    own_pg_database(args.pg_db, MARK)


def run_worker(backend: str, args: argparse.Namespace) -> dict[str, Any]:
    if not args.measure_only:
        prepare(backend, args)
    env = {
        **os.environ,
        "CTM_DATABASE_URL": database_url(backend, args),
        "CTM_VAR_DIR": str(VAR),
        "CTM_LOG_LEVEL": "WARNING",
    }
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        backend,
        "--cases",
        str(args.cases),
        "--samples",
        str(args.samples),
        *(["--measure-only"] if args.measure_only else []),
        "--pg-db",
        args.pg_db,
    ]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    sys.stderr.write(proc.stderr[-4000:])
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return dict(json.loads(line[len("RESULT ") :]))
        print(line, flush=True)
    raise SystemExit(f"{backend} worker failed (exit {proc.returncode})")


def command(args: argparse.Namespace) -> str:
    words = ["python bench/bench_cases.py", f"--cases {args.cases}", f"--samples {args.samples}"]
    if args.pg_db != "ctm_bench" and "postgres" in args.backends:
        words.append(f"--pg-db {args.pg_db}")
    if args.backends != "sqlite,postgres":
        words.append(f"--backends {args.backends}")
    if args.measure_only:
        words.append("--measure-only")
    return " ".join(words)


def render(results: dict[str, dict[str, Any]], args: argparse.Namespace) -> str:
    backends = list(results)
    lines = [
        "## Case register",
        "",
        "(see `bench/bench_cases.py`)",
        "",
        f"Run on {datetime.date.today().isoformat()} with `{command(args)}`"  # noqa: DTZ011  (a date for people)
        f" (`make bench BENCH_ARGS=cases` seeds afresh); machine: {machine()}, shared with other work "
        f"while it ran (load average {args.load}), so figures are upper bounds. "
        + ", ".join(f"{b}: {results[b]['server']}" for b in backends)
        + ".",
        "",
        f"{results[backends[0]].get('cases', args.cases):,} fictional cases (demo generator, CTDC-shaped; three organizations, the largest with "
        f"{results[backends[0]]['largest_org_cases']:,} cases), every identifying value encrypted and the blind "
        "indexes computed as in production; each case with its screening, eligibility decision, victim context, "
        "route, consents, notes and two activity-log entries. Timings in milliseconds, in-process (ORM and "
        f"decryption included, no HTTP or template rendering), {args.samples} samples each after a warm-up. "
        f"Each caseworker owns about {CASELOAD} cases and is assigned to about {CASELOAD // 5} more; each case "
        "closed as referred is shared with the organization it went to (the largest organization has "
        f"{results[backends[0]].get('largest_org_shared_in', 0):,} cases shared in). "
        "Search by name and the case page each write (and commit) one "
        "activity-log entry, as the pages do. "
        f"Goal: p95 under {GOAL_MS:.0f} ms on PostgreSQL.",
        "",
        "| query | " + " | ".join(f"{b} p50 | {b} p95" for b in backends) + " |",
        "|---|" + "---:|---:|" * len(backends),
    ]
    for name in results[backends[0]]["timings"]:
        cells = []
        for b in backends:
            t = results[b]["timings"][name]
            cells += [f"{t['p50']:.1f}", f"{t['p95']:.1f}"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        "Seeding time: "
        + (
            ", ".join(
                f"{b} {results[b]['seed_seconds']:.0f} s" for b in backends if results[b]["seed_seconds"]
            )
            or "seeded by an earlier run (`--measure-only`)"
        )
        + ".",
    ]
    if "postgres" in results:
        missed = [n for n, t in results["postgres"]["timings"].items() if t["p95"] >= GOAL_MS]
        lines.append(
            "Goal met on PostgreSQL for every query."
            if not missed
            else "Goal missed on PostgreSQL for: " + ", ".join(missed) + "."
        )
    lines += ["", LIST_DESIGN]
    return "\n".join(lines) + "\n"


LIST_DESIGN = (
    "How the case list reads its pages (since 2026-12-03; `ctm.cases.domain.queries.listing`): the "
    "assigned and shared case ids are looked up first (a list of up to 200, else a subquery; on "
    "PostgreSQL `id = ANY(ARRAY(...))`), so no correlated `EXISTS` sits under an OR; the organization's "
    "own cases are read through an index led by the organization and the filtered column, in the list's "
    "order; the cases shared in are read once per page as (opened on, id) pairs and merged in; the "
    'count stops at 10,001 (the page then says "More than 10,000 cases") and reads indexes only. The '
    "API list (`case_list`) reads the same way and counts exactly. The machine is shared: read the "
    "table with the load average above in mind. Earlier runs are under \"Case register: history\" below."
)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--pg-db", default="ctm_bench", help="PostgreSQL database of the bench (default ctm_bench)")
    parser.add_argument("--sqlite-file", default=str(VAR / "bench.sqlite3"), help="SQLite file of the bench")
    parser.add_argument("--no-record", action="store_true", help="print the results, leave docs/ alone")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="measure the database seeded by an earlier run (no seeding)",
    )
    parser.add_argument("--json", help="also write the raw results to this JSON file")
    parser.add_argument(
        "--render", nargs="+", metavar="JSON", help="record results saved by earlier --json runs"
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    if args.render:  # backends run separately (e.g. in parallel), recorded together
        saved = [json.loads(Path(f).read_text()) for f in args.render]
        results = {b: r for s in saved for b, r in s["results"].items()}
        args.cases, args.samples = saved[0]["cases"], saved[0]["samples"]
        args.measure_only = saved[0].get("measure_only", False)
        args.pg_db = saved[0].get("pg_db", "ctm_bench")
        args.backends = ",".join(results)
        args.load = "; ".join(s.get("load", "not recorded") for s in saved)
        record_in_doc(render(results, args), "## Case register")
        return 0
    results = {}
    load_at_start = os.getloadavg()[0]
    for backend in args.backends.split(","):
        doing = "measuring" if args.measure_only else f"seeding {args.cases:,} cases and measuring"
        print(f"-- {backend}: {doing}", flush=True)
        results[backend] = run_worker(backend, args)
        for name, t in results[backend]["timings"].items():
            print(f"   {name:<45} p50 {t['p50']:7.1f} ms   p95 {t['p95']:7.1f} ms", flush=True)
    args.load = load_average(load_at_start)
    if args.json:
        saved = {"cases": args.cases, "samples": args.samples, "measure_only": args.measure_only, "pg_db": args.pg_db}
        Path(args.json).write_text(json.dumps({**saved, "load": args.load, "results": results}))
    text = render(results, args)
    publish(text, "## Case register", record=not args.no_record)
    return 0


# --- worker: seed one database, then measure --------------------------------------------------------


def worker(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from ctm.core.scopes import scopes_disabled

    with scopes_disabled():  # seeds and probes every demo organization, as a platform script
        return _worker(args)


def _worker(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connection

    seconds = 0.0
    call_command("migrate", verbosity=0, interactive=False)  # also brings a seeded database up to date
    if not args.measure_only:
        started = time.monotonic()
        seed(args.cases)
        seconds = time.monotonic() - started
        print(f"   seeded in {seconds:.0f} s", flush=True)
    spread_caseloads()
    share_referrals()
    with connection.cursor() as cursor:  # the steady state autovacuum keeps (statistics, visibility map)
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")
    server = (
        f"SQLite {connection.Database.sqlite_version}"
        if connection.vendor == "sqlite"
        else (f"PostgreSQL {connection.cursor().connection.info.server_version // 10000}")
    )
    from ctm.core.reads import identifying_access

    # the pages decrypt inside a logged read (view_person); the bench times the same queries
    with identifying_access("benchmark: the names to search for, the pages' reads"):
        probes = collect_probes()
        timings = measure(probes, args.samples)
    result = {"timings": timings, "seed_seconds": seconds, "server": server}
    result["largest_org_cases"] = probes["largest_org_cases"]
    result["cases"] = probes["cases"]  # what the database holds (a --measure-only run may differ from --cases)
    result["largest_org_shared_in"] = probes["largest_org_shared_in"]
    print("RESULT " + json.dumps(result), flush=True)
    return 0


def seed(n_cases: int) -> None:
    """Bulk-load n_cases planned cases (owned by the demo caseworkers; see spread_caseloads)."""
    from ctm.cases.demo_data import CaseSampler, create_organizations_and_users
    from ctm.cases.models import CaseSequence

    teams, _users = create_organizations_and_users(actor="bench")
    sampler = CaseSampler(seed=2026)
    sequences: dict[tuple[str, int], int] = {}
    done = 0
    while done < n_cases:
        plans = sampler.plans(min(CHUNK, n_cases - done))
        bulk_load(plans, teams, sequences)
        done += len(plans)
        print(f"   {done:,} cases", file=sys.stderr, flush=True)
    for (code, year), last in sequences.items():
        CaseSequence.objects.update_or_create(
            organization=teams[code].organization, year=year, defaults={"last": last}
        )


def load_teams() -> dict[str, Any]:
    from ctm.cases.demo_data import DEMO_ORGS, Team, demo_username
    from ctm.core.models import Membership, Office, Organization

    teams = {}
    for spec in DEMO_ORGS:
        org = Organization.objects.get(code=spec.code)
        members = {
            slug: Membership.objects.select_related("user", "organization", "office").get(
                user__username=demo_username(slug, spec.code)
            )
            for slug in ("caseworker", "caseworker2", "case-manager")
        }
        offices = list(Office.objects.filter(organization=org).order_by("id"))
        workers = [members["caseworker"], members["caseworker2"]]
        teams[spec.code] = Team(org, offices, workers, members["case-manager"])
    return teams


def spread_caseloads() -> None:
    """Give each caseworker a realistic caseload (about CASELOAD cases), as in a large organization.

    The loader makes the two demo caseworkers own every case; here each organization gets one
    caseworker per CASELOAD cases (the demo caseworker among them), owners are spread over them by case
    id, and each assignment goes to the next caseworker. Idempotent.
    """
    from django.contrib.auth.hashers import make_password
    from django.db import transaction
    from django.db.models import F

    from ctm.accounts.models import User
    from ctm.cases.models import Case, CaseAssignment
    from ctm.core.enums import Role
    from ctm.core.models import Membership

    hashed = make_password(None)  # unusable: these staff never log in
    for code, team in load_teams().items():
        org = team.organization
        n = max(2, Case.objects.filter(organization=org).count() // CASELOAD)
        with transaction.atomic():
            names = [f"bench-cw{i:04d}-{code.lower()}" for i in range(n - 2)]
            existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
            new = User.objects.bulk_create(
                User(username=u, password=hashed) for u in names if u not in existing
            )
            Membership.objects.bulk_create(
                Membership(user=u, organization=org, role=Role.CASEWORKER, office=team.offices[i % 2])
                for i, u in enumerate(new)
            )
            pool = [cw.user_id for cw in team.caseworkers]
            pool += list(
                User.objects.filter(username__in=names).order_by("username").values_list("id", flat=True)
            )
            cases = Case.objects.filter(organization=org)
            for k, user_id in enumerate(pool):  # rows already right are left alone: no dead rows on reruns
                cases.annotate(k=F("id") % len(pool)).filter(k=k).exclude(owner_id=user_id).update(
                    owner_id=user_id
                )
                CaseAssignment.objects.filter(organization=org).annotate(k=F("case_id") % len(pool)).filter(
                    k=(k - 1) % len(pool)
                ).exclude(user_id=user_id).update(user_id=user_id)


def share_referrals() -> None:
    """Share each case closed as referred with the organization its referral consent names. Idempotent.

    What a case manager does with `share_case` after such a referral; it gives every organization a few
    thousand shared-in cases, which a case manager's list must include.
    """
    from ctm.cases.enums import ConsentScope
    from ctm.cases.models import CaseShare, Consent

    managers = {t.organization.pk: t.manager.user_id for t in load_teams().values()}
    consents = (
        Consent.objects.filter(
            scope=ConsentScope.REFERRAL, referral_organization__isnull=False, withdrawn_on__isnull=True
        )
        .exclude(pk__in=CaseShare.objects.values("consent_id"))
        .values_list("pk", "case_id", "organization_id", "referral_organization_id")
    )
    CaseShare.objects.bulk_create(
        (
            CaseShare(
                organization_id=org,
                case_id=case,
                shared_with_id=to,
                consent_id=pk,
                granted_by_id=managers[org],
            )
            for pk, case, org, to in consents
        ),
        batch_size=2000,
    )


def collect_probes() -> dict[str, Any]:
    """Numbers, names and birth dates of a random sample of the largest organization's cases."""
    from ctm.cases.models import Case, CaseShare

    teams = load_teams()
    sizes = {code: Case.objects.filter(organization=t.organization).count() for code, t in teams.items()}
    largest = max(sizes, key=lambda code: sizes[code])
    ids = list(Case.objects.filter(organization=teams[largest].organization).values_list("id", flat=True))
    sample = random.Random(7).sample(ids, min(3000, len(ids)))
    cases = Case.objects.filter(pk__in=sample).select_related("person")
    shared_in = CaseShare.objects.filter(shared_with=teams[largest].organization, revoked_at__isnull=True)
    return {
        "teams": teams,
        "largest": largest,
        "largest_org_cases": sizes[largest],
        "cases": sum(sizes.values()),
        "largest_org_shared_in": shared_in.count(),
        "numbers": [c.number for c in cases],
        "names": [(c.person.full_name, c.person.birth_date) for c in cases],
    }


def bulk_load(
    plans: list[Any],
    teams: dict[str, Any],
    sequences: dict[tuple[str, int], int],
) -> None:
    from django.db import transaction

    from ctm.cases import models as m
    from ctm.cases.domain.persons import search_digests
    from ctm.cases.enums import CaseStatus, ClosureReason, DecisionState, Stage
    from ctm.core import crypto

    with transaction.atomic():
        persons = []
        for plan in plans:
            team = teams[plan.org]
            p = m.Person(
                organization=team.organization, created_by=team.caseworkers[plan.office].user, **plan.person
            )
            p.name_birth_index = crypto.name_birth_index(p.full_name, p.birth_date.isoformat())
            persons.append(p)
        m.Person.objects.bulk_create(persons, batch_size=1000)
        m.PersonPhoneticKey.objects.bulk_create(
            [
                m.PersonPhoneticKey(organization_id=p.organization_id, person=p, digest=digest)
                for p in persons
                for digest in sorted(search_digests(p))  # the search keys, as refresh_indexes makes them
            ],
            batch_size=2000,
        )
        cases = []
        for plan, person in zip(plans, persons, strict=True):
            team = teams[plan.org]
            key = (plan.org, plan.opened_on.year)
            sequences[key] = sequences.get(key, 0) + 1
            status = {Stage.MONITORING: CaseStatus.FOLLOW_UP, Stage.CLOSED: CaseStatus.CLOSED}.get(
                plan.stage, CaseStatus.ACTIVE
            )
            if plan.closure_reason == ClosureReason.REFERRED:
                status = CaseStatus.CLOSED_REFERRED
            decision = plan.decision
            cases.append(
                m.Case(
                    organization=team.organization,
                    person=person,
                    office=team.offices[plan.office],
                    owner=team.caseworkers[plan.office].user,
                    status=status,
                    stage=plan.stage,
                    opened_on=plan.opened_on,
                    identified_on=plan.opened_on,
                    closed_on=plan.closed_on,
                    closure_reason=plan.closure_reason,
                    is_minor=plan.is_minor,
                    high_risk=plan.high_risk,
                    sensitive=plan.sensitive,
                    trafficking_status=decision["trafficking_status"]
                    if decision and decision["approved"]
                    else "",
                    citizenship=plan.person["citizenships"][0],
                    exploitation_country=plan.context["exploitation_country"],
                    exploitation_types="|" + "|".join(plan.context["exploitation_types"]) + "|",
                    number=f"{team.offices[plan.office].country}-{plan.org}-{key[1]}-{sequences[key]:05d}",
                )
            )
        m.Case.objects.bulk_create(cases, batch_size=1000)
        rows: dict[type, list[Any]] = {
            k: []
            for k in (
                m.ScreeningInterview,
                m.EligibilityDecision,
                m.VictimContext,
                m.TraffickingEvent,
                m.Guardian,
                m.BestInterestsAssessment,
                m.IdentityDocument,
                m.Note,
                m.CaseAssignment,
            )
        }
        for plan, case in zip(plans, cases, strict=True):
            team = teams[plan.org]
            org, cw, mgr = team.organization, team.caseworkers[plan.office].user, team.manager.user
            base = {"organization": org, "case": case}
            rows[m.ScreeningInterview].append(m.ScreeningInterview(**base, interviewer=cw, **plan.screening))
            if plan.decision:
                d = {k: v for k, v in plan.decision.items() if k != "approved"}
                approved = plan.decision["approved"]
                rows[m.EligibilityDecision].append(
                    m.EligibilityDecision(
                        **base,
                        **d,
                        proposed_by=cw,
                        state=DecisionState.APPROVED if approved else DecisionState.PROPOSED,
                        reviewed_by=mgr if approved else None,
                    )
                )
            rows[m.VictimContext].append(m.VictimContext(**base, **plan.context))
            rows[m.TraffickingEvent] += [m.TraffickingEvent(**base, **e) for e in plan.events]
            if plan.guardian:
                rows[m.Guardian].append(m.Guardian(**base, **plan.guardian))
                rows[m.BestInterestsAssessment].append(
                    m.BestInterestsAssessment(**base, assessor=cw, **plan.best_interests)
                )
            if plan.document:
                rows[m.IdentityDocument].append(
                    m.IdentityDocument(
                        organization=org,
                        person=case.person,
                        number_index=crypto.document_index(plan.document["number"]),
                        **plan.document,
                    )
                )
            rows[m.Note] += [m.Note(**base, author=cw, body=b) for b in plan.notes]
            if plan.assign_colleague:
                rows[m.CaseAssignment].append(
                    m.CaseAssignment(**base, user=team.caseworkers[1 - plan.office].user)
                )
        for model, objs in rows.items():
            model._base_manager.bulk_create(objs, batch_size=1000)
        guardians = {g.case_id: g for g in rows[m.Guardian]}
        consents = []
        for plan, case in zip(plans, cases, strict=True):
            team, g = teams[plan.org], guardians.get(case.pk)
            for c in plan.consents:
                consents.append(
                    m.Consent(
                        organization=team.organization,
                        case=case,
                        scope=c.scope,
                        given_on=c.given_on,
                        given_by="guardian" if g else "person",
                        guardian=g,
                        recorded_by=team.caseworkers[plan.office].user,
                        referral_organization=teams[c.referral_org].organization if c.referral_org else None,
                        withdrawn_on=c.withdrawn_on,
                        withdrawn_by="person" if c.withdrawn_on else "",
                        told_purpose=True,
                        told_uses=True,
                        told_right_to_access=True,
                        told_retention=True,
                        told_withdrawal=True,
                    )
                )
        m.Consent.objects.bulk_create(consents, batch_size=1000)
        chain_log(plans, cases, teams)


def chain_log(plans: list[Any], cases: list[Any], teams: dict[str, Any]) -> None:
    """Two real, hash-chained activity-log entries per case (opened, screening recorded)."""
    from django.utils import timezone

    from ctm.core import audit_crypto
    from ctm.core.models import ActivityLog, ChainHead

    head, _ = ChainHead.objects.select_for_update().get_or_create(pk=1)
    prev, now, entries, key_id = head.last_hash, timezone.now(), [], audit_crypto.current_key_id()
    for plan, case in zip(plans, cases, strict=True):
        user = teams[plan.org].caseworkers[plan.office].user
        for action, changes in (
            ("cases.case.opened", {"stage": [None, case.stage]}),
            ("cases.screening.recorded", {"interview_date": [None, plan.opened_on.isoformat()]}),
        ):
            e = ActivityLog(
                created_at=now,
                actor=user,
                actor_label=user.username,
                organization=case.organization,
                action=action,
                object_type="cases.case",
                object_id=str(case.pk),
                object_label=case.number,
                changes=changes,
                prev_hash=prev,
                key_id=key_id,
            )
            e.payload_digest = e.compute_payload_digest()
            e.hash = prev = e.compute_hash()
            entries.append(e)
    ActivityLog.objects.bulk_create(entries, batch_size=2000)
    head.move_to(prev)  # the keyed head, as the domain's log_action moves it


# --- measurements -----------------------------------------------------------------------------------


def filter_mix(rng: random.Random, team: Any, users: list[int]) -> Any:
    from ctm.cases.demo_data import ORG_BY_CODE
    from ctm.cases.domain.queries.cases import CaseFilters
    from ctm.cases.enums import CaseStatus, ExploitationType, Stage

    spec = ORG_BY_CODE[team.organization.code]
    day = datetime.date(2026, 11, 1) - datetime.timedelta(days=rng.randint(30, 1000))
    options = [
        {},
        {"status": CaseStatus.ACTIVE},
        {"stage": rng.choice(Stage.values)},
        {"citizenship": rng.choice(spec.origins[:4])},
        {"exploitation_country": rng.choice(spec.destinations[:5])},
        {
            "exploitation_type": rng.choice(
                [ExploitationType.SEXUAL, ExploitationType.FORCED_LABOUR, ExploitationType.OTHER]
            )
        },
        {"minor": True},
        {"office": rng.choice(team.offices).pk},
        {"owner": rng.choice(users)},
        {"opened_from": day, "opened_to": day + datetime.timedelta(days=90)},
        {"stage": rng.choice(Stage.values), "citizenship": rng.choice(spec.origins[:4])},
        {"status": CaseStatus.ACTIVE, "minor": True, "office": rng.choice(team.offices).pk},
        {
            "exploitation_type": ExploitationType.FORCED_LABOUR,
            "exploitation_country": rng.choice(spec.destinations[:3]),
        },
    ]
    return CaseFilters(**rng.choice(options))


def measure(probes: dict[str, Any], samples: int) -> dict[str, dict[str, float]]:
    from ctm.cases.domain.queries.cases import CaseFilters, search_by_name_and_birth
    from ctm.cases.domain.queries.listing import case_rows
    from ctm.cases.domain.queries.paging import CappedPaginator

    team = probes["teams"][probes["largest"]]
    manager, caseworker = team.manager, team.caseworkers[0]
    users = [cw.user_id for cw in team.caseworkers]
    rng = random.Random(11)

    def page(membership: Any, filters: Any) -> None:
        p = CappedPaginator(case_rows(membership, filters), 25).get_page(1)  # as case_list_view does
        for case in p.object_list:
            _ = (case.owner.username, case.office and case.office.name, p.paginator.count)

    def by_number() -> None:
        page(manager, CaseFilters(number=rng.choice(probes["numbers"])))

    def by_name() -> None:
        name, birth = rng.choice(probes["names"])
        found = list(search_by_name_and_birth(manager, name, birth).select_related("owner", "office")[:50])
        assert found, "a seeded person must be found"

    def case_page() -> None:
        case_page_queries(manager, rng.choice(probes["numbers"]))

    tests = {
        "case list, filtered (case manager, org-wide)": lambda: page(manager, filter_mix(rng, team, users)),
        "case list, filtered (caseworker, own cases)": lambda: page(caseworker, filter_mix(rng, team, users)),
        "search by case number": by_number,
        "search by exact name + birth date": by_name,
        "case page (every part + timeline)": case_page,
    }
    out = {}
    for name, fn in tests.items():
        for _ in range(20):
            fn()
        times = []
        for _ in range(samples):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        q = statistics.quantiles(times, n=100)
        out[name] = {"p50": statistics.median(times), "p95": q[94], "n": len(times)}
        print(
            f"   {name:<45} p50 {out[name]['p50']:7.1f} ms   p95 {out[name]['p95']:7.1f} ms",
            file=sys.stderr,
            flush=True,
        )
    return out


def case_page_queries(membership: Any, number: str) -> None:
    """The reads of `case_detail_view`, evaluated (decryption included), without the template."""
    from ctm.cases import models as m
    from ctm.cases.domain.queries.cases import get_case_for_user, may_write_case, view_person
    from ctm.cases.domain.queries.timeline import case_timeline

    case = get_case_for_user(membership, number)
    person = view_person(membership, case)
    may_write_case(membership, case)
    parts = [
        m.ScreeningInterview.objects.filter(case=case).select_related("interviewer")[:1],
        m.VictimContext.objects.filter(case=case)[:1],
        m.EligibilityDecision.objects.filter(case=case).select_related("proposed_by", "reviewed_by"),
        m.TraffickingEvent.objects.filter(case=case),
        m.Consent.objects.filter(case=case).select_related("referral_organization", "recorded_by"),
        m.Guardian.objects.filter(case=case),
        m.BestInterestsAssessment.objects.filter(case=case).select_related("assessor"),
        m.Note.objects.filter(case=case).select_related("author")[:100],
        m.Attachment.objects.filter(case=case).defer("blob").select_related("uploaded_by"),
        m.IdentityDocument.objects.filter(person=person),
        case.assignees.all(),
        case.shares.filter(revoked_at__isnull=True).select_related("shared_with"),
        case_timeline(case),
    ]
    for qs in parts:
        list(qs)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
