"""The first impression: `make demo` from a fresh clone, timed until the server answers /readyz with 200.

    python bench/bench_first_run.py [--port 8790] [--keep] [--no-record]

What a new user does, on this machine: `git clone` of this repository into a temporary folder (the
committed tree only: no virtual environment, no compiled catalogues, no database), then the README's
first command, `make demo`, with an empty pip cache (as on a machine that never installed CTM). The
Makefile's steps are run one by one, exactly as `make demo` chains them, so that each is timed:

- `make install`: the virtual environment and the runtime dependencies (not the dev tools);
- `make messages`: the French and English catalogues compiled;
- `make demo` (its install and messages are then up to date): `ctm demo` seeds the fictional data,
  then `ctm serve` starts gunicorn and a job worker; timed until GET /readyz answers 200 (database,
  migrations, keys and the worker's heartbeat all checked).

Goal (issue 9): under 3 minutes in all. The result goes to docs/benchmarks.md, section
"## First run (make demo)"; the temporary clone is removed unless --keep.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchdoc import load_average, machine, publish

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "bench")]
SECTION = "## First run (make demo)"
GOAL_S = 180.0
READY_TIMEOUT_S = 900.0


def ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


def timed(step: list[str], cwd: Path, env: dict[str, str], log: Path) -> float:
    started = time.monotonic()
    with log.open("a") as out:
        out.write(f"\n$ {' '.join(step)}\n")
        out.flush()
        subprocess.run(step, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)
    return time.monotonic() - started


def first_run(port: int, keep: bool) -> dict[str, float | str]:
    work = Path(tempfile.mkdtemp(prefix="ctm-first-run-"))
    clone = work / "ctm"
    log = work / "make.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CTM_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env["PIP_CACHE_DIR"] = str(work / "pip-cache")  # empty: a machine that never installed CTM
    env["PORT"], env["HOST"] = str(port), "127.0.0.1"
    steps: dict[str, float | str] = {}
    server: subprocess.Popen[bytes] | None = None
    try:
        started = time.monotonic()
        steps["git clone"] = timed(["git", "clone", "--quiet", str(ROOT), str(clone)], work, env, log)
        steps["make install"] = timed(["make", "install"], clone, env, log)
        steps["make messages"] = timed(["make", "messages"], clone, env, log)
        demo_started = time.monotonic()
        with log.open("a") as out:
            out.write("\n$ make demo\n")
            out.flush()
            server = subprocess.Popen(
                ["make", "demo", f"PORT={port}"],
                cwd=clone,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            while not ready(port):
                if server.poll() is not None:
                    raise RuntimeError(f"make demo stopped with {server.returncode}; see {log}")
                if time.monotonic() - demo_started > READY_TIMEOUT_S:
                    raise RuntimeError(f"/readyz not 200 after {READY_TIMEOUT_S:.0f} s; see {log}")
                time.sleep(0.5)
        steps["make demo (seed, serve, /readyz 200)"] = time.monotonic() - demo_started
        steps["total"] = time.monotonic() - started
        venv_bytes = sum(
            f.stat().st_size for f in (clone / ".venv").rglob("*") if f.is_file() and not f.is_symlink()
        )
        steps["venv_mb"] = venv_bytes / 2**20
        return steps
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        if keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def render(steps: dict[str, float | str], load: str) -> str:
    total = float(steps["total"])
    lines = [
        SECTION,
        "",
        "(see `bench/bench_first_run.py`; written by the run)",
        "",
        f"Run on {datetime.datetime.now(datetime.UTC).date().isoformat()} with `python bench/bench_first_run.py` "
        '(`make bench BENCH_ARGS="first_run"`); machine: '
        f"{machine()}; load average {load}. A fresh `git clone` of the committed tree, an empty pip cache, "
        "then the Makefile's steps as `make demo` chains them, until GET /readyz answers 200.",
        "",
        "| step | seconds |",
        "|---|---:|",
    ]
    lines += [
        f"| {name} | {float(value):.1f} |"
        for name, value in steps.items()
        if name not in ("total", "venv_mb")
    ]
    lines += [
        f"| **from `git clone` to /readyz 200** | **{total:.1f}** |",
        "",
        f"Virtual environment after `make install` (runtime only): {float(steps['venv_mb']):.0f} MiB. "
        f"Goal (issue 9): under {GOAL_S:.0f} s — {'met' if total < GOAL_S else 'not met'}.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--keep", action="store_true", help="keep the temporary clone and its log")
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--backends", help=argparse.SUPPRESS)  # run_all's common options
    args = parser.parse_args(argv)
    load_start = os.getloadavg()[0]
    steps = first_run(args.port, args.keep)
    load = load_average(load_start)
    text = render(steps, load)
    publish(text, SECTION, record=not args.no_record)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
