"""Load over HTTP: `ctm serve` (gunicorn) beside Django's development server, on PostgreSQL and SQLite;
and job isolation: the case page under 20 users with and without a 100,000-record linkage run working.

    python bench/bench_load.py [--pg-db ctm_bench] [--sqlite-file PATH] [--users 50] [--seconds 60]
                               [--parts load,saturation,isolation] [--no-record]

- Data: PostgreSQL at 200,000 cases, seeded by bench/bench_cases.py into `--pg-db` (run it first, or
  this script runs it: `bench_cases.py --backends postgres --pg-db NAME`); SQLite: the demo's data
  (`ctm demo`, 2,000 cases) in `--sqlite-file` (made here when missing).
- Users: the caseworkers and case managers of the three demo organizations, each virtual user signed
  in with a session of its own, pausing 1–3 s between requests (an office at its busiest). Each loop
  picks the case list (with a filter), a case page, a search (name + birth date, POST) or a case edit
  (GET the form, POST it back) on cases that user may see and write.
- Servers: `ctm serve --no-worker` (gunicorn, default processes), `ctm runserver --noreload`
  (Django's threaded development server) and, on PostgreSQL, granian (the Rust server the issue names
  as the alternative; same processes, same WSGI application), one after the other, on the same data,
  over real HTTP on 127.0.0.1 with templates rendered.
- Saturation: the same mix with no pauses (10 users, 30 s): requests per second.
- Isolation: 20 users on the case page only, 60 s with no job, then 60 s while `ctm worker` links
  four generated lists (100,000 records) in the same database; p95 of both.

The load generator is a small client on the standard library (threads, http.client, one cookie jar per
user): it costs far less processor time than a locust worker would on this 2-core machine, so the
figures measure the server. Results go to docs/benchmarks.md, section "## Load and job isolation".
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchdoc import load_average, machine, publish, record_in_doc

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "bench")]
VAR = ROOT / "var" / "bench"
SECTION = "## Load and job isolation"
PASSWORD = "ctm-demo-2026!"  # noqa: S105  (the fictional demo users' printed password)
PORT = 8765
GOAL_PG_MS = 150.0
GOAL_SQLITE_MS = 1000.0

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
OFFICE = re.compile(r'<option value="(\d+)" selected>')
IDENTIFIED = re.compile(r'name="identified_on" value="([^"]*)"')


# --- one virtual user -----------------------------------------------------------------------------


@dataclass
class Probe:
    username: str
    numbers: list[str]  # cases this user may see and write
    people: list[tuple[str, str]]  # (full name, birth date) of those cases


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    client_cpu: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, ms: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.times.setdefault(page, []).append(ms)
            if not ok:
                self.errors[page] = self.errors.get(page, 0) + 1
                if len(self.samples) < 10:
                    self.samples.append(f"{page}: {detail}")


class User:
    def __init__(self, probe: Probe, seed: int, results: Results) -> None:
        self.probe, self.rng, self.results = probe, random.Random(seed), results
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, str, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), "Host": "127.0.0.1"}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{PORT}{path}"
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode(errors="replace")
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
                if attempt == 2:
                    return 0, "", (time.perf_counter() - started) * 1000
        ms = (time.perf_counter() - started) * 1000
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text, ms

    def login(self) -> None:
        _, page, _ = self.request("GET", "/accounts/login/")
        token = CSRF.search(page)
        status, _, _ = self.request("POST", "/accounts/login/", {
            "csrfmiddlewaretoken": token.group(1) if token else "", "username": self.probe.username,
            "password": PASSWORD})  # fmt: skip
        if status != 302:
            raise SystemExit(f"login of {self.probe.username} failed ({status})")

    def step(self) -> None:
        rng, p = self.rng, self.probe
        number = rng.choice(p.numbers)
        roll = rng.random()
        if roll < 0.4:
            query = rng.choice(["", "?status=Active", "?minor=true", "?stage=assistance", f"?number={number}"])
            self.timed("case list", "GET", f"/cases/{query}")
        elif roll < 0.75:
            self.timed("case page", "GET", f"/cases/{number}/")
        elif roll < 0.9:
            name, birth = rng.choice(p.people)
            token = self.cookies.get("csrftoken", "")  # Django accepts the cookie's secret as the form's token
            self.timed("search (name + birth date)", "POST", "/cases/search/", {
                "csrfmiddlewaretoken": token, "full_name": name, "birth_date": birth})  # fmt: skip
        else:
            self.edit(number)

    def edit(self, number: str) -> None:
        status, page, ms = self.request("GET", f"/cases/{number}/edit/")
        self.results.add("case edit (form)", ms, status == 200, str(status))
        token, version = CSRF.search(page), VERSION.search(page)
        if not (token and version):
            return
        office, identified = OFFICE.search(page), IDENTIFIED.search(page)
        body = {"csrfmiddlewaretoken": token.group(1), "version": version.group(1),
                "office": office.group(1) if office else "", "identified_on": identified.group(1) if identified else ""}  # fmt: skip
        if "high_risk" in page and 'name="high_risk" checked' not in page and self.rng.random() < 0.5:
            body["high_risk"] = "on"
        status, _, ms = self.request("POST", f"/cases/{number}/edit/", body)
        self.results.add("case edit (save)", ms, status in (302, 303), str(status))

    def timed(self, page: str, method: str, path: str, body: dict[str, str] | None = None) -> None:
        status, _, ms = self.request(method, path, body)
        self.results.add(page, ms, status == 200, f"{status} {path}")


def drive(probes: list[Probe], users: int, seconds: float, pauses: bool, only: str | None = None) -> Results:
    results = Results()
    people = [User(probes[i % len(probes)], 1000 + i, results) for i in range(users)]
    for person in people:
        person.login()
    stop = time.monotonic() + seconds

    def loop(person: User) -> None:
        time.sleep(person.rng.uniform(0, 1.0))
        while time.monotonic() < stop:
            if only == "case page":
                person.timed("case page", "GET", f"/cases/{person.rng.choice(person.probe.numbers)}/")
            else:
                person.step()
            if pauses:
                time.sleep(person.rng.uniform(1.0, 3.0))

    threads = [threading.Thread(target=loop, args=(p,), daemon=True) for p in people]
    started, cpu = time.monotonic(), time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 120)
    results.client_cpu = time.process_time() - cpu  # the virtual users' own processor time (this process)
    results.samples.append(f"elapsed {time.monotonic() - started:.1f}")
    return results


def summary(results: Results, seconds: float) -> dict[str, Any]:
    pages = {}
    for page, times in sorted(results.times.items()):
        q = statistics.quantiles(times, n=100) if len(times) > 1 else [times[0]] * 99
        pages[page] = {"n": len(times), "p50": statistics.median(times), "p95": q[94], "errors": results.errors.get(page, 0)}
    total = sum(len(t) for t in results.times.values())
    return {"pages": pages, "requests": total, "errors": sum(results.errors.values()), "rps": total / seconds,
            "error_samples": results.samples[:-1], "client_cpu_s": results.client_cpu}  # fmt: skip


# --- servers and data -----------------------------------------------------------------------------


def env_for(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CTM_")}
    env.update(CTM_DATABASE_URL=url, CTM_VAR_DIR=str(VAR), CTM_LOG_LEVEL="WARNING",
               PYTHONPATH=os.pathsep.join([str(ROOT / "src"), str(ROOT)]))  # fmt: skip
    return env


def ctm(env: dict[str, str], *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ctm.cli", *args], env=env, text=True, check=True, **kwargs)


class Server:
    """One server on PORT: `ctm serve --no-worker` (gunicorn), Django's development server, or granian
    (same WSGI application, same processes × threads as gunicorn). Its output goes to a file: a pipe
    nobody reads fills after ~400 access-log lines and then blocks every worker (the hangs of the
    2026-12-06 run, 60-s timeouts at low processor use, were that)."""

    def __init__(self, kind: str, env: dict[str, str]) -> None:
        import tempfile

        self.kind, self.env = kind, env
        if kind in ("gunicorn", "gunicorn+worker"):  # the second: `ctm serve` with its `ctm worker`
            cmd = [sys.executable, "-m", "ctm.cli", "serve", "--port", str(PORT)]
            cmd += ["--no-worker"] if kind == "gunicorn" else []
        elif kind == "granian":
            ctm(env, "collectstatic", "--no-input", "-v0")
            cmd = [str(Path(sys.executable).with_name("granian")), "--interface", "wsgi", "--host", "127.0.0.1",
                   "--port", str(PORT), "--workers", str(granian_workers()), "--blocking-threads", "2",
                   "--no-access-log", "config.wsgi:application"]  # fmt: skip
        else:
            cmd = [sys.executable, "-m", "ctm.cli", "runserver", "--noreload", f"127.0.0.1:{PORT}"]
        self.output = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115  (open while the server runs; closed in stop)
        self.proc = subprocess.Popen(cmd, env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
                                     stdout=self.output, stderr=subprocess.STDOUT, text=True, start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"{kind} did not start")

    def stop(self) -> str:
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.output.seek(0)
        err = self.output.read()
        self.output.close()
        errors = [line for line in (err or "").splitlines() if " ERROR " in line or "Traceback" in line]
        return "\n".join(errors[:20])


def probes_for(env: dict[str, str]) -> list[Probe]:
    """The caseworkers and case managers of the three demo organizations, with cases each may write."""
    code = r"""
import json, django
django.setup()
from ctm.cases.demo_data import DEMO_ORGS, demo_username
from ctm.cases.models import Case
from ctm.core.models import Membership
from ctm.core.reads import identifying_access
from ctm.core.scopes import scopes_disabled
out = []
with scopes_disabled(), identifying_access("benchmark: the names the virtual users search for"):
  for spec in DEMO_ORGS:
    for slug in ("caseworker", "caseworker2", "case-manager"):
        m = Membership.objects.select_related("user").get(user__username=demo_username(slug, spec.code))
        cases = Case.objects.filter(organization=m.organization, status="Active")
        if slug != "case-manager":
            cases = cases.filter(owner=m.user)
        rows = list(cases.select_related("person").order_by("-id")[:300])
        out.append({"username": m.user.username, "numbers": [c.number for c in rows],
                    "people": [(c.person.full_name, c.person.birth_date.isoformat()) for c in rows if c.person.birth_date]})
print(json.dumps(out))
"""
    done = subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
                          capture_output=True, text=True, check=True)  # fmt: skip
    return [Probe(**p) for p in json.loads(done.stdout.strip().splitlines()[-1]) if p["numbers"]]


def case_count(env: dict[str, str]) -> int:
    code = ("import django;django.setup();from ctm.cases.models import Case;from ctm.core.scopes import scopes_disabled\n"
            "with scopes_disabled(): print(Case.objects.count())")
    done = subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(done.stdout.strip().splitlines()[-1])


def ensure_pg(args: argparse.Namespace) -> str:
    from bench_cases import PG_URL, pg_database_mark

    if pg_database_mark(args.pg_db) is None:
        subprocess.run([sys.executable, str(ROOT / "bench" / "bench_cases.py"), "--backends", "postgres",
                        "--pg-db", args.pg_db, "--samples", "20", "--no-record"], check=True)  # fmt: skip
    return PG_URL.format(name=args.pg_db)


def ensure_sqlite(args: argparse.Namespace) -> str:
    url = f"sqlite:///{args.sqlite_file}"
    if not Path(args.sqlite_file).exists():
        ctm(env_for(url), "demo", capture_output=True)
    ctm(env_for(url), "migrate", "-v0")  # a file made by older code: `ctm serve` refuses pending migrations
    return url


def run_isolation(url: str, probes: list[Probe], args: argparse.Namespace) -> dict[str, Any]:
    env = env_for(url)
    server = Server("gunicorn", env)
    try:
        window = args.isolation_seconds
        quiet = summary(drive(probes, 20, window, pauses=True, only="case page"), window)
        run_id = start_linkage(env, args.records)
        worker = subprocess.Popen([sys.executable, "-m", "ctm.cli", "worker", "--name", "bench-isolation"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)  # fmt: skip
        wait_running(env, run_id)
        busy = summary(drive(probes, 20, window, pauses=True, only="case page"), window)
        still = job_state(env, run_id)
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(60)
        drop_run(env, run_id)  # SIGTERM queues an idempotent run again: the next bench would find it first
    finally:
        server_errors = server.stop()
    return {"quiet": quiet, "busy": busy, "job_during_window": still, "server_errors": server_errors,
            "seconds": args.isolation_seconds}


def start_linkage(env: dict[str, str], records: int) -> int:
    code = f"""
import django, json
django.setup()
import pandas as pd
from ctm.cases.demo_data import DEMO_ORGS, demo_username
from ctm.core.models import Membership
from ctm.core.enums import Role
from ctm.linkage.domain.runs import start_run
from ctm.linkage.engine import generate_lists
from ctm.core.scopes import scopes_disabled
with scopes_disabled():
    m = Membership.objects.select_related("user", "organization").filter(organization__code=DEMO_ORGS[0].code, role=Role.DATA_MANAGER).first()
lists, _ = generate_lists(4, int({records} / 1.6), seed=5)
with scopes_disabled():
    run = start_run(by=m, uploads=lists, include_persons=False, threshold=0.9, label="bench isolation")
print(json.dumps({{"run": run.pk, "records": sum(len(v) for v in lists.values())}}))
"""
    done = subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
                          capture_output=True, text=True, check=True)  # fmt: skip
    data = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"   linkage run {data['run']} queued with {data['records']:,} records", flush=True)
    return int(data["run"])


def drop_run(env: dict[str, str], run_id: int) -> None:
    code = f"""
import django
django.setup()
from django_tasks_db.models import DBTaskResult
from ctm.core.scopes import scopes_disabled
from ctm.linkage.models import LinkageRun
with scopes_disabled():
    DBTaskResult.objects.filter(task_path__endswith=".link_lists", status="READY").delete()
    LinkageRun.objects.filter(pk={run_id}).update(status="failed", stage="failed")
"""
    subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
                   capture_output=True, text=True, check=True)  # fmt: skip


def job_state(env: dict[str, str], run_id: int) -> dict[str, Any]:
    code = f"""
import django, json
django.setup()
from ctm.linkage.models import LinkageRun
from ctm.core.scopes import scopes_disabled
with scopes_disabled():
    r = LinkageRun.objects.get(pk={run_id})
print(json.dumps({{"status": r.status, "stage": r.stage, "progress": r.progress, "records": sum(i.get("records", 0) for i in r.lists)}}))
"""
    done = subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
                          capture_output=True, text=True, check=True)  # fmt: skip
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def wait_running(env: dict[str, str], run_id: int) -> None:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state = job_state(env, run_id)
        if state["status"] == "running" and state["stage"] not in ("queued", "reading"):
            return
        if state["status"] in ("done", "failed"):
            raise SystemExit(f"the linkage run ended before the measurement: {state}")
        time.sleep(1)
    raise SystemExit("the linkage run did not start")


# --- record ---------------------------------------------------------------------------------------


def table(runs: dict[str, dict[str, Any]]) -> list[str]:
    names = list(runs)
    pages = sorted({p for r in runs.values() for p in r["pages"]})
    lines = ["| page | " + " | ".join(f"{n} p50 | {n} p95 | {n} errors" for n in names) + " |",
             "|---|" + "---:|---:|---:|" * len(names)]  # fmt: skip
    for page in pages:
        cells = []
        for n in names:
            t = runs[n]["pages"].get(page)
            cells += [f"{t['p50']:.0f}", f"{t['p95']:.0f}", str(t["errors"])] if t else ["–", "–", "–"]
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    lines.append("| all requests (count, errors, req/s) | " + " | ".join(
        f"{runs[n]['requests']} | {runs[n]['errors']} | {runs[n]['rps']:.1f}" for n in names) + " |")  # fmt: skip
    return lines


def render(results: dict[str, Any], args: argparse.Namespace, load: str) -> str:
    cmd = " and ".join(f"`{c}`" for c in getattr(args, "commands", None) or [command(vars(args))])
    lines = [SECTION, "", "(see `bench/bench_load.py`)", "",
             f"Run on {datetime.datetime.now(datetime.UTC).date().isoformat()} with {cmd}"
             + (f" ({args.merged} runs, recorded together with `--render`; a part run twice is taken from the later)" if getattr(args, "merged", 1) > 1 else "")
             + f" (`make bench BENCH_ARGS=\"load --pg-db {args.pg_db}\"`); "
             f"machine: {machine()}; load average {load}. Server, database and load generator share the 2 cores. "
             "Milliseconds per request over HTTP on 127.0.0.1, templates rendered, sessions signed in.", ""]  # fmt: skip
    if overloaded(load):
        lines += ["**The machine was overloaded while this ran** (load average above its "
                  f"{os.cpu_count()} cores, from other work): the figures measure how the processor was shared "
                  "more than the servers, and a server with more threads gets a larger share. Re-run on a quiet "
                  "machine before comparing servers or reading the goals.", ""]  # fmt: skip
    for db in ("postgres", "sqlite"):
        if f"load-{db}" in results:
            r = results[f"load-{db}"]
            goal = (f"goal p95 < {GOAL_PG_MS:.0f} ms on every page and 0 errors" if db == "postgres"
                    else f"goal 0 errors and p95 < {GOAL_SQLITE_MS:.0f} ms")  # fmt: skip
            lines += [f"### {args.users} users for {args.seconds:g} s, {r['data']} ({goal})", "",
                      *table(r["runs"]), ""]  # fmt: skip
            met = all(r["runs"]["ctm serve"]["errors"] == 0 and p["p95"] < (GOAL_PG_MS if db == "postgres" else GOAL_SQLITE_MS)
                      for p in r["runs"]["ctm serve"]["pages"].values())  # fmt: skip
            lines.append(("Goal met by `ctm serve`." if met else "Goal not met by `ctm serve`.") + _errors(r))
            lines.append("")
    if "saturation" in results:
        r = results["saturation"]
        lines += ["### Saturation (10 users, no pauses, 30 s, PostgreSQL)", "", *table(r["runs"]), ""]
    if "isolation" in results:
        r = results["isolation"]
        quiet, busy = r["quiet"]["pages"]["case page"], r["busy"]["pages"]["case page"]
        ratio = busy["p95"] / quiet["p95"]
        lines += [f"### Job isolation ({r['data']}; 20 users on the case page, {r.get('seconds', args.seconds):g} s each, "
                  "the second window inside the run's work)", "",
                  "| case page | requests | errors | p50 | p95 |", "|---|---:|---:|---:|---:|",
                  f"| no job running | {quiet['n']} | {quiet['errors']} | {quiet['p50']:.0f} | {quiet['p95']:.0f} |",
                  f"| linkage run of {r['job_during_window']['records']:,} records working | {busy['n']} | {busy['errors']} | {busy['p50']:.0f} | {busy['p95']:.0f} |",
                  "", f"p95 with the job / without: {ratio:.2f} (goal ≤ 1.5: {'met' if ratio <= 1.5 else 'not met'}); "
                  f"the job at the end of the window: {r['job_during_window']['status']}, stage {r['job_during_window']['stage']}, "
                  f"{r['job_during_window']['progress']} %. The job runs in `ctm worker`'s own process at CTM_JOB_NICE=10, in a session (a scheduling group) of its own.", ""]  # fmt: skip
    return "\n".join(lines)


def command(a: dict[str, Any]) -> str:
    """The command line of a run, from its arguments."""
    words = f"python bench/bench_load.py --pg-db {a['pg_db']} --users {a['users']} --seconds {a['seconds']:g} --parts {a['parts']}"
    if "isolation" in a["parts"] and "isolation_seconds" in a:  # (runs before the option: --seconds)
        words += f" --isolation-seconds {a['isolation_seconds']:g}"
    if a.get("servers", "gunicorn,dev,granian") != "gunicorn,dev,granian":
        words += f" --servers {a['servers']}"
    return words


def overloaded(load: str) -> bool:
    """True when a load average recorded at the start of a run is above the machine's cores: other
    work was there before the bench began. (At the end the average counts the bench's own server and
    users, which saturate 2 cores by design.)"""
    numbers = [float(n) for n in re.findall(r"(\d+\.\d+) at the start", load)]
    return any(n > (os.cpu_count() or 1) for n in numbers)


def _errors(r: dict[str, Any]) -> str:
    notes = []
    for name, run in r["runs"].items():
        if run["errors"]:
            notes.append(f" {name}: {run['errors']} errors, e.g. {'; '.join(run['error_samples'][:3])}.")
    return "".join(notes)


def granian_workers() -> int:
    """As many processes as `ctm serve` starts (CTM_WEB_WORKERS, or 2 × cores + 1)."""
    return int(os.environ.get("CTM_WEB_WORKERS") or 2 * (os.cpu_count() or 1) + 1)


SERVERS = (("gunicorn", "ctm serve"), ("dev", "dev server"))
WITH_GRANIAN = (*SERVERS, ("granian", "granian"))


def load_runs(url: str, data: str, args: argparse.Namespace, users: int, seconds: float, pauses: bool,
              servers: tuple[tuple[str, str], ...] = SERVERS) -> dict[str, Any]:  # fmt: skip
    env = env_for(url)
    probes = probes_for(env)
    runs = {}
    for kind, label in servers:
        if kind not in args.servers.split(","):
            continue
        print(f"-- {label} on {data}: {users} users, {seconds:g} s{'' if pauses else ', no pauses'}", flush=True)
        try:
            server = Server(kind, env)
        except (SystemExit, OSError) as exc:  # e.g. granian missing: the others are still measured
            print(f"   {label} did not start: {exc}", flush=True)
            continue
        try:
            runs[label] = summary(drive(probes, users, seconds, pauses), seconds)
        finally:
            errors = server.stop()
        runs[label]["server_errors"] = errors
        s = runs[label]
        print(f"   {s['requests']} requests, {s['errors']} errors, {s['rps']:.1f} req/s, "
              f"load generator {s['client_cpu_s']:.1f} s of processor; "
              + ", ".join(f"{p} p95 {v['p95']:.0f} ms" for p, v in s["pages"].items()), flush=True)  # fmt: skip
    return {"runs": runs, "data": data}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-db", default="ctm_bench")
    parser.add_argument("--sqlite-file", default=str(VAR / "demo.sqlite3"))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--parts", default="load,saturation,isolation")
    parser.add_argument("--isolation-seconds", type=float, default=30,
                        help="each isolation window; shorter than the run's work, so that the second is inside it")
    parser.add_argument("--servers", default="gunicorn,dev,granian",
                        help="which servers to measure (gunicorn is `ctm serve`); the goals are read on gunicorn's")
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--json", help="also write the raw results here")
    parser.add_argument("--render", nargs="+", metavar="JSON", help="record results saved by earlier --json runs")
    args = parser.parse_args(argv)
    if args.render:  # parts run separately (e.g. PostgreSQL, then SQLite), recorded together
        saved = [json.loads(Path(f).read_text()) for f in args.render]
        merged = {k: v for s in saved for k, v in s["results"].items()}
        parts = sorted({p for s in saved for p in s["args"]["parts"].split(",")})
        args = argparse.Namespace(**{**saved[0]["args"], "parts": ",".join(parts), "merged": len(saved),
                                     "commands": [command(s["args"]) for s in saved]})
        record_in_doc(render(merged, args, "; ".join(s["load"] for s in saved)), SECTION)
        return 0
    VAR.mkdir(parents=True, exist_ok=True)
    parts = args.parts.replace("load", "pg-load,sqlite-load").replace("pg-pg-load,sqlite-load", "pg-load").replace(
        "sqlite-pg-load,sqlite-load", "sqlite-load").split(",")
    load_start = os.getloadavg()[0]
    results: dict[str, Any] = {}
    pg = ensure_pg(args) if {"pg-load", "saturation", "isolation"} & set(parts) else ""
    pg_data = f"PostgreSQL, {case_count(env_for(pg)):,} cases seeded by bench_cases.py" if pg else ""
    if "pg-load" in parts:
        results["load-postgres"] = load_runs(pg, pg_data, args, args.users, args.seconds, True, WITH_GRANIAN)
    if "sqlite-load" in parts:
        sqlite = ensure_sqlite(args)
        results["load-sqlite"] = load_runs(sqlite, f"SQLite, the demo data ({case_count(env_for(sqlite)):,} cases)", args,
                                           args.users, args.seconds, True)  # fmt: skip
    if "saturation" in parts:
        results["saturation"] = load_runs(pg, pg_data, args, 10, 30, False, WITH_GRANIAN)
    if "isolation" in parts:
        print(f"-- isolation: 20 users on the case page, {args.records:,}-record linkage run", flush=True)
        env = env_for(pg)
        results["isolation"] = {**run_isolation(pg, probes_for(env), args), "data": pg_data}
        print(json.dumps({k: results["isolation"][k]["pages"] for k in ("quiet", "busy")}), flush=True)
    load = load_average(load_start)
    if args.json:
        Path(args.json).write_text(json.dumps({"args": vars(args), "load": load, "results": results}, indent=1))
    text = render(results, args, load)
    publish(text, SECTION, record=not args.no_record)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
