"""Benchmark: a linkage run on the platform, end to end, at scale.

What `bench/bench_linkage.py --scale` times is the engine alone. A run started from the linkage page
then stores its records and kept pairs in the database (the review queue, re-clustering and the
estimate read them there), and every review decision re-clusters from the stored pairs. This bench
times that whole path on CTM's own generator (4 lists), on PostgreSQL (or SQLite) in a database of its
own: the lists uploaded through the domain (`start_run`, stored encrypted), the job itself
(`run_job.run_linkage`, as `ctm worker` runs it: reading, linking, storing), then one re-clustering at
another threshold and one review decision (what a data manager waits for on the page), and the run's
deletion. Each size runs in a child process of its own whose resident memory is sampled (stopped above
MAX_RSS_MB): the peak of each phase is the job's, not this script's. The database's size of the run's
rows is read from PostgreSQL.

Results go to docs/benchmarks.md, section "## Linkage runs on the platform" (rewritten by each run).
Run with `make bench BENCH_ARGS=linkage_platform` or
`python bench/bench_linkage_platform.py --people 30000 100000 650000 --pg-db ctm_bench_platform`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))

from bench_cases import PG_URL, own_pg_database, remove_sqlite  # noqa: E402  (path set just above)
from bench_linkage import MAX_RSS_MB, _watched  # noqa: E402
from benchdoc import load_average, machine, publish  # noqa: E402

SECTION = "## Linkage runs on the platform"
MARK = "ctm bench_linkage_platform"
VAR = ROOT / "var" / "bench"


class Phases:
    """The child's resident memory sampled every 50 ms; the peak and the time of each named phase."""

    def __init__(self) -> None:
        self.current = "start"
        self.peaks: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self._started = time.perf_counter()
        self._stop = False
        threading.Thread(target=self._sample, daemon=True).start()

    def _sample(self) -> None:
        page = os.sysconf("SC_PAGE_SIZE")
        while not self._stop:
            with open("/proc/self/statm") as statm:
                rss = int(statm.read().split()[1]) * page // 2**20
            self.peaks[self.current] = max(self.peaks.get(self.current, 0), rss)
            time.sleep(0.05)

    def enter(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[self.current] = round(now - self._started, 1)
        print(f"   {self.current}: {self.seconds[self.current]} s, peak {self.peaks.get(self.current, 0):,} MB",
              file=sys.stderr, flush=True)
        self.current, self._started = name, now

    def done(self) -> None:
        self.enter("end")
        self._stop = True


def child(people: int, seed: int) -> int:
    """One size, in this process: migrate, seed the demo organizations once, then the run's whole path."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from ctm.cases.demo_data import DEMO_ORGS, create_organizations_and_users
    from ctm.core.enums import Role
    from ctm.core.models import Membership, Organization
    from ctm.core.scopes import organization_scope, scopes_disabled
    from ctm.linkage.domain import run_job, runs
    from ctm.linkage.engine import evaluate, generate_lists
    from ctm.linkage.models import LinkageRun, LinkedRecord, ScoredPair

    phases = Phases()
    call_command("migrate", verbosity=0, interactive=False)
    with scopes_disabled():
        if not Organization.objects.filter(code=DEMO_ORGS[0].code).exists():
            create_organizations_and_users(actor="bench")
        manager = Membership.objects.select_related("user", "organization").get(
            organization__code=DEMO_ORGS[0].code, role=Role.DATA_MANAGER
        )
    lists, truth = generate_lists(4, people, seed)
    records = sum(len(f) for f in lists.values())
    phases.enter("upload")
    with organization_scope(manager.organization):
        run = runs.start_run(by=manager, uploads=lists, include_persons=False, threshold=0.5, seed=42,
                             label=f"bench {people}")
    del lists
    original_link, original_store = run_job.link_lists, run_job._store

    def link(*args: Any, **kwargs: Any) -> Any:
        phases.enter("link")
        return original_link(*args, **kwargs)

    def store(*args: Any, **kwargs: Any) -> Any:
        phases.enter("store")
        return original_store(*args, **kwargs)

    run_job.link_lists, run_job._store = link, store
    phases.enter("read")
    run_job.run_linkage(run.pk, "en")  # the job, as the worker runs it (it enters the run's organization)
    phases.enter("after")
    result: dict[str, Any] = {"people": people, "records": records}
    with organization_scope(manager.organization):
        run = LinkageRun.objects.get(pk=run.pk)
        if run.status != "done":
            print(json.dumps({"failure": f"run {run.status}: {run.error}", "records": records}), flush=True)
            return 1
        result["pairs"] = ScoredPair.objects.filter(run=run).count()
        result["pairs_below_001"] = ScoredPair.objects.filter(run=run, match_probability__lt=0.01).count()
        stored = LinkedRecord.objects.filter(run=run).values_list("list_name", "record_id", "cluster_id")
        import pandas as pd

        clusters = pd.DataFrame(list(stored), columns=["list", "record_id", "cluster_id"])
        result["f1"] = round(evaluate(clusters, truth).f1, 3)
        del clusters, stored
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_total_relation_size('linkage_scoredpair'), "
                               "pg_total_relation_size('linkage_linkedrecord')")
                pair_bytes, record_bytes = cursor.fetchone()
            result["pairs_mb"], result["records_mb"] = pair_bytes // 2**20, record_bytes // 2**20
        phases.enter("recluster")
        with transaction.atomic():
            runs._cluster(run, 0.6)  # what "Cluster again" does, without the log line
        phases.enter("decide")
        pair = ScoredPair.objects.filter(run=run, match_probability__gte=0.5).order_by("match_probability").first()
        runs.decide_pair(pair, by=manager, decision="rejected")
        phases.enter("delete")
        runs.delete_run(run, by=manager)
    phases.done()
    result["server"] = (f"SQLite {connection.Database.sqlite_version}" if connection.vendor == "sqlite"
                        else f"PostgreSQL {connection.cursor().connection.info.server_version // 10000}")
    result["seconds"] = phases.seconds
    result["peak_mb"] = phases.peaks
    print(json.dumps(result), flush=True)
    return 0


def run_size(people: int, seed: int, env: dict[str, str], max_seconds: float | None) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(people), "--seed", str(seed)]
    before = {name: os.environ.get(name) for name in env}
    os.environ.update(env)  # the child's settings (database, the job's memory)
    try:
        code, out, peak, seconds, why = _watched(command, max_seconds)
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if code != 0 or why or not lines:
        said = json.loads(lines[-1]) if lines else {}
        return {"people": people, "records": said.get("records"), "error": why or said.get("failure")
                or f"failed (exit code {code})", "peak_total_mb": peak, "wall": round(seconds, 1)}
    return {**json.loads(lines[-1]), "peak_total_mb": peak, "wall": round(seconds, 1)}


PHASES = [("read", "reading the lists"), ("link", "linking (engine)"), ("store", "storing records and pairs"),
          ("recluster", "re-clustering at 0.6"), ("decide", "one review decision"), ("delete", "deleting the run")]


def render(rows: list[dict[str, Any]], command: str, load: str, memory: tuple[int, int]) -> str:
    lines = [SECTION, "",
             f"Run on {datetime.now(UTC):%Y-%m-%d} with `{command}` ({machine()}; load average {load}). Written by the run.",
             "", "A run started from the linkage page, end to end in one process as `ctm worker` runs its job, then "
             "what a data manager waits for on the run's page. Seconds per phase (peak resident memory of the "
             f"process during the phase, MB). Settings of the run: `CTM_JOB_MEMORY_MB={memory[0]}` (the job's "
             f"ceiling; 4096 by default), `CTM_LINKAGE_MEMORY_MB={memory[1]}` (DuckDB's share; half the "
             "ceiling by default) and `CTM_LINKAGE_SPILL_DIR` set (none by default: a run that needs more than "
             "DuckDB's share then fails with \"The run needed more memory than the server has\"); the job runs in "
             "this bench's child, whose peak is compared with the ceiling rather than enforced.",
             "", "| records | pairs stored (below 0.01) | " + " | ".join(label for _, label in PHASES)
             + " | database (pairs + records) | F1 |",
             "|" + "---:|" * (len(PHASES) + 4)]
    for row in rows:
        if row.get("error"):
            lines.append(f"| {row.get('records') or '?':,} | {row['error']} (peak {row['peak_total_mb']:,} MB after "
                         f"{row['wall']:,.0f} s) |" + " |" * (len(PHASES) + 2))
            continue
        cells = [f"{row['seconds'].get(key, 0):,.1f} s ({row['peak_mb'].get(key, 0):,})" for key, _ in PHASES]
        size = f"{row['pairs_mb']:,} + {row['records_mb']:,} MB" if "pairs_mb" in row else "-"
        lines.append(f"| {row['records']:,} | {row['pairs']:,} ({row['pairs_below_001']:,}) | " + " | ".join(cells)
                     + f" | {size} | {row['f1']:.3f} |")
    server = next((row["server"] for row in rows if row.get("server")), "")
    lines += ["", f"Database: {server}. A child is stopped above {MAX_RSS_MB:,} MB resident.", ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, nargs="+", default=[30000, 100000, 650000])
    parser.add_argument("--seed", type=int, default=1, help="the generator's seed (bench_linkage --scale's default)")
    parser.add_argument("--job-memory-mb", type=int, default=6144, help="CTM_JOB_MEMORY_MB of the job (the 6 GB goal)")
    parser.add_argument("--linkage-memory-mb", type=int, default=3072,
                        help="CTM_LINKAGE_MEMORY_MB: DuckDB's limit (bench_linkage --scale's 3 GB)")
    parser.add_argument("--backend", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--pg-db", default="ctm_bench_platform",
                        help="PostgreSQL database of this bench (created, and dropped only if this bench created it)")
    parser.add_argument("--max-seconds", type=float, default=1800, help="stop one size after this many seconds")
    parser.add_argument("--no-record", action="store_true", help="print the section without writing the docs")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.seed)
    load = os.getloadavg()[0]
    VAR.mkdir(parents=True, exist_ok=True)
    if args.backend == "postgres":
        own_pg_database(args.pg_db, MARK)
        url = PG_URL.format(name=args.pg_db)
    else:
        path = VAR / "linkage_platform.sqlite3"
        remove_sqlite(path)
        url = f"sqlite:///{path}"
    spill = VAR / "linkage_spill"  # DuckDB's spill directory (none by default: without it a million records fail)
    spill.mkdir(mode=0o700, exist_ok=True)
    rows = []
    for people in args.people:
        print(f"{people:,} people ...", file=sys.stderr, flush=True)
        env = {"CTM_DATABASE_URL": url, "CTM_JOB_MEMORY_MB": str(args.job_memory_mb),
               "CTM_LINKAGE_MEMORY_MB": str(args.linkage_memory_mb), "CTM_LINKAGE_SPILL_DIR": str(spill)}
        rows.append(run_size(people, args.seed, env, args.max_seconds))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    command = "python bench/bench_linkage_platform.py " + " ".join(argv)
    memory = (args.job_memory_mb, args.linkage_memory_mb)
    publish(render(rows, command.strip(), load_average(load), memory), SECTION, record=not args.no_record)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
