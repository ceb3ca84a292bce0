"""The browser's own rules, checked without a browser: no page template carries inline styles or
scripts (the Content-Security-Policy blocks them: `style-src 'self'; script-src 'self'`), and the
site has an icon, so no page asks for a `/favicon.ico` that answers 404. The crawl in
tests/browser/test_crawl.py checks the same in Chromium, page by page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ctm.core.middleware import CSP

SRC = Path(__file__).resolve().parents[2] / "src" / "ctm"
# downloaded documents, opened from the disk outside the site (no CSP): they carry their own style
STANDALONE = {"linkage/templates/linkage/report.html", "privacy/templates/privacy/report.html"}
INLINE = re.compile(
    r"""\sstyle\s*=|<style[\s>]|<script(?![^>]*\ssrc=)[^>]*>|\son[a-z]+\s*=\s*["']|javascript:""",
    re.IGNORECASE,
)


def page_templates() -> list[Path]:
    found = sorted(SRC.glob("*/templates/**/*.html"))
    return [p for p in found if p.relative_to(SRC).as_posix() not in STANDALONE]


def test_the_policy_allows_no_inline_style_or_script():
    assert "style-src 'self';" in CSP and "script-src 'self';" in CSP
    assert "unsafe-inline" not in CSP


@pytest.mark.parametrize("template", page_templates(), ids=lambda p: p.relative_to(SRC).as_posix())
def test_no_template_has_inline_style_or_script(template):
    found = INLINE.findall(template.read_text(encoding="utf-8"))
    assert not found, f"{template}: inline style or script blocked by the CSP: {found}"


def test_the_inline_check_sees_what_the_browser_blocks():
    for blocked in ('<p style="x">', "<style>p{}</style>", "<script>x()</script>", '<a onclick="x()">'):
        assert INLINE.search(blocked), blocked
    assert not INLINE.search('<script src="/static/x.js"></script>')


def test_favicon_is_served(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file


def test_every_page_links_its_icon(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert re.search(r'<link rel="icon" href="/static/ctm/favicon[^"]*\.svg"', html)
