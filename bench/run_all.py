"""Run every benchmark script (bench/bench_*.py) in turn; each records its results in docs/benchmarks.md.

Benchmarks are not tests: they are run by `make bench`, never by `make test`.
Pass names to run only some: `make bench BENCH_ARGS="privacy"`; words from the first option on go to
each script run: `make bench BENCH_ARGS="cases --pg-db ctm_bench_mine"`.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    first_option = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    names, options = argv[:first_option], argv[first_option:]
    scripts = sorted(HERE.glob("bench_*.py"))
    if names:
        scripts = [s for s in scripts if any(a in s.stem for a in names)]
    failed = 0
    for script in scripts:
        print(f"== {script.name} ==", flush=True)
        failed += subprocess.call([sys.executable, str(script), *options]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
