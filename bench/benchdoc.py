"""What every benchmark script shares: the machine it ran on, and its section of docs/benchmarks.md.

Each script owns one section, which begins with its own `## ` heading and runs to the next one;
`record_in_doc` replaces that section and leaves every other one as it was.
"""

from __future__ import annotations

import os
import platform
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"


def machine() -> str:
    """Cores, memory, system and Python: what a reader needs to compare two runs."""
    try:
        found = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        mem = f"{int(found.group(1)) / 2**20:.0f} GiB" if found else "? GiB"
    except OSError:
        mem = "? GiB"
    return (
        f"{os.cpu_count()} cores, {mem}, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}"
    )


def load_average(at_start: float) -> str:
    """The 1-minute load average at the start of a run (given) and now, as the sections record it."""
    return f"{at_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end"


def publish(text: str, heading: str, *, record: bool = True) -> None:
    """Print a run's section, and unless told not to, record it in docs/benchmarks.md."""
    print(text)
    if record:
        record_in_doc(text, heading)


def section_bounds(doc: str, heading: str) -> tuple[int, int] | None:
    """Where the section under `heading` starts and ends (just after the newline before the next
    `## ` heading, or the end of the document); None when the document has no such section."""
    start = doc.find(heading)
    if start == -1:
        return None
    following = doc.find("\n## ", start + 1)
    return start, len(doc) if following == -1 else following + 1


def record_in_doc(text: str, heading: str | None = None, *, before: str | None = None, doc: Path = DOC) -> None:
    """Replace the section `heading` (by default the first line of `text`) with `text`. A document
    without it gets `text` before the heading `before` when that one is there, else at the end."""
    heading = heading or text.splitlines()[0]
    content = doc.read_text(encoding="utf-8")
    bounds = section_bounds(content, heading)
    if bounds is not None:
        start, end = bounds
        gap = "\n" if end < len(content) else ""
        doc.write_text(content[:start] + text + gap + content[end:], encoding="utf-8")
        return
    anchor = content.find(f"\n{before}") if before else -1
    if anchor == -1:
        doc.write_text(content.rstrip("\n") + "\n\n" + text, encoding="utf-8")
    else:
        doc.write_text(content[: anchor + 1] + text + "\n" + content[anchor + 1 :], encoding="utf-8")


def record_between(markdown: str, start: str, end: str, *, doc: Path = DOC) -> bool:
    """Replace what stands between the markers `start` and `end` (both included) with `markdown`;
    False, and the document left alone, when a marker is missing."""
    content = doc.read_text(encoding="utf-8")
    if start not in content or end not in content:
        return False
    head, rest = content.split(start, 1)
    doc.write_text(head + markdown + rest.split(end, 1)[1], encoding="utf-8")
    return True
