"""A breadth-first crawl of the site as one signed-in user, in a real browser, collecting what a user
would meet: console errors, failed requests, links that answer 403, sideways scrolling on a phone and
axe-core's serious or critical accessibility violations.

Bounded: every same-origin link is followed, but at most `PER_KIND` pages of each kind (one URL
pattern with one set of query parameters) and `MAX_PAGES` pages in all, so one case page stands for
the hundred in the list. Links are only ever followed with GET (logging out, switching language and
every change are POST forms, never links).
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from django.urls import Resolver404, resolve

AXE = Path(__file__).resolve().parents[2] / "src/ctm/core/static/ctm/vendor/axe-core/axe.min.js"
PER_KIND = 2
MAX_PAGES = 120
PHONE = 375
SKIP_PREFIXES = ("/static/", "/api/")  # assets, and the API (its own schema tests)
WIDEST = """(limit) => {
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.right > limit + 1 && ![...el.children].some(c => c.getBoundingClientRect().right > limit + 1)) {
      out.push(`${el.tagName.toLowerCase()}${el.className ? "." + String(el.className).split(" ").join(".") : ""}`
               + ` (${Math.round(r.right)} px)`);
    }
  }
  return [...new Set(out)].slice(0, 4);
}"""
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", ")}`);
}"""


@dataclass
class Crawl:
    base: str
    problems: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    kinds: Counter = field(default_factory=Counter)

    def note(self, url: str, what: str) -> None:
        self.problems.append(f"{url.removeprefix(self.base)}: {what}")


def kind(path: str, query: str) -> str | None:
    """The URL pattern and query parameter names of a path, or None for a path that is not a page."""
    if path.startswith(SKIP_PREFIXES):
        return None
    try:
        match = resolve(path)
    except Resolver404:
        return f"unresolved:{path}"
    keys = sorted({k for k, _ in parse_qsl(query, keep_blank_values=True)} - {"page"})
    return f"{match.route}?{'&'.join(keys)}"


def _failed(page, crawl: Crawl, request) -> None:
    """A failed request, unless it is a lazy image the crawl cancelled by moving on to the next page
    (Chromium reports that as net::ERR_ABORTED; a broken image answers 4xx/5xx, caught below)."""
    if request.resource_type == "image" and "ERR_ABORTED" in (request.failure or ""):
        return
    crawl.note(page.url, f"request failed: {request.url} {request.failure}")


def watch(page, crawl: Crawl) -> None:
    """Record every console error, uncaught exception and failed request while the crawl runs."""
    page.on("console", lambda m: m.type == "error" and crawl.note(page.url, f"console error: {m.text}"))
    page.on("pageerror", lambda e: crawl.note(page.url, f"script error: {e}"))
    page.on("requestfailed", lambda r: _failed(page, crawl, r))
    page.on(
        "response",
        lambda r: r.status >= 400 and crawl.note(page.url, f"{r.request.method} {r.url} answered {r.status}"),
    )


def crawl_site(page, base: str, start: str, *, axe: bool = True) -> Crawl:
    crawl = Crawl(base)
    watch(page, crawl)
    axe_source = AXE.read_text(encoding="utf-8") if axe else ""
    queue: deque[tuple[str, str]] = deque([(base + start, "sign-in")])
    queued = {base + start}
    while queue and len(crawl.visited) < MAX_PAGES:
        url, source = queue.popleft()
        if not _answers(page, crawl, url, source):
            continue
        page.goto(url)
        crawl.visited.append(url)
        _check_page(page, crawl, axe_source)
        for link, key in _links(page, crawl):
            if link in queued or key is None or crawl.kinds[key] >= PER_KIND:
                continue
            crawl.kinds[key] += 1
            queued.add(link)
            queue.append((link, page.url))
    return crawl


def _answers(page, crawl: Crawl, url: str, source: str) -> bool:
    """Fetch the link as the user (same cookies) first: a 403 or an error is a problem of the page
    that showed the link; a download (not HTML) is checked, not opened."""
    response = page.request.get(url)
    if response.status >= 400:
        crawl.note(source, f"links to {url.removeprefix(crawl.base)}, which answers {response.status}")
        return False
    return "text/html" in response.headers.get("content-type", "")


def _check_page(page, crawl: Crawl, axe_source: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    if viewport == PHONE and width > PHONE:
        wide = ", ".join(page.evaluate(WIDEST, PHONE))
        crawl.note(page.url, f"scrolls sideways at {PHONE} px ({width} px wide: {wide})")
    if axe_source:
        if not page.evaluate("typeof axe !== 'undefined'"):
            page.evaluate(axe_source)  # through the DevTools protocol: the page's CSP still applies to it
        for violation in page.evaluate(AXE_RUN):
            crawl.note(page.url, f"axe: {violation}")


def _links(page, crawl: Crawl) -> list[tuple[str, str | None]]:
    """Same-origin links of the page (without their #fragment), each with its kind."""
    out = []
    for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" == crawl.base:
            url = f"{crawl.base}{parts.path}" + (f"?{parts.query}" if parts.query else "")
            out.append((url, kind(parts.path, parts.query)))
    return out
