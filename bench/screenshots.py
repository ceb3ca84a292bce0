"""The README tour's screenshots, taken from a running demo with Debian's Chromium (Playwright).

    make demo                                   # or: ctm demo && ctm serve (another terminal)
    .venv/bin/python bench/screenshots.py       # → docs/screenshots/*.png

Options: --base URL (default http://127.0.0.1:8000), --out DIR (default docs/screenshots),
--chromium PATH (default /usr/bin/chromium; never `playwright install`). Each page is taken at a laptop's
width (1280 px) and a phone's (375 px), the visible part of the page only (small files): the case
list, a case page (its summary and tabs) and the registration form of a new case. Demo data only:
the names are fictional.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

USER = "demo-caseworker-chi"
SIZES = {"laptop": (1280, 800), "phone": (375, 812)}
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"]


def _login(page, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(USER)
    from ctm.cases.demo_data import DEMO_PASSWORD  # the demo's, printed by `ctm demo`

    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def _first_case(page, base: str) -> str:
    page.goto(f"{base}/cases/?stage=assistance")
    return page.locator("table tbody tr td a").first.get_attribute("href")


def take(base: str, out: Path, chromium: str) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=ARGS)
        for device, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
            page = context.new_page()
            _login(page, base)
            case = _first_case(page, base)
            for name, path in (("case-list", "/cases/"), ("case-page", case), ("registration", "/cases/new/")):
                page.goto(f"{base}{path}")
                page.wait_for_load_state("networkidle")
                target = out / f"{name}-{device}.png"
                page.screenshot(path=str(target))
                written.append(target)
            context.close()
        browser.close()
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "docs/screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    written = take(args.base.rstrip("/"), args.out, args.chromium)
    total = sum(p.stat().st_size for p in written)
    for p in written:
        print(f"{p}  {p.stat().st_size / 1024:.0f} KiB")
    print(f"{len(written)} screenshots, {total / 1024:.0f} KiB in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
