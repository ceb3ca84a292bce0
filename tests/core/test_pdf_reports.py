"""The PDF reports are the report's own HTML laid out on A4 (ctm.core.pdf): every page is looked at.

Each test renders a real report, extracts its text with poppler's `pdftotext` and rasterizes every page
with `pdftoppm`: every piece of text the HTML gives is found whole in the PDF (nothing cut at a margin
or lost), nothing is drawn in the side margins, and no page but the last is left mostly blank."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.utils import translation
from PIL import Image

from ctm.core.pdf import RefusedResource, fetch, html_to_pdf
from ctm.linkage.interfaces import reports as linkage_reports
from ctm.privacy.domain import report as privacy_report
from tests.linkage_platform.objects import make_estimate
from tests.privacy_platform.objects import make_release

LONG_LABEL = (
    "National referral mechanism, labour inspectorate and shelters of the northern and southern regions, "
    "2019–2024 — Тираспольский приют"
)
DPI = 50
MARGIN_PX = round(12 / 25.4 * DPI)  # the outer 12 mm of the 16 mm side margins stay blank


@pytest.fixture(autouse=True)
def _poppler():
    if shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None:
        if os.environ.get("CI"):
            pytest.fail("poppler-utils (pdftotext, pdftoppm) must be installed in CI (.ci/run installs it)")
        pytest.skip("needs poppler-utils (pdftotext, pdftoppm)")


class _Text(HTMLParser):
    """The visible text pieces of an HTML page (not its <title>, <style> or <script>)."""

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("title", "style", "script")

    def handle_endtag(self, tag):
        self._skip -= tag in ("title", "style", "script")

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.pieces.append(data)


def squeeze(text: str) -> str:
    """Text without its line breaks and hyphens (pdftotext joins "profile-⏎likelihood" into one word);
    ligatures (ﬁ, ﬂ) as their letters, as a reader copies them."""
    return re.sub(r"[\s\-\u00ad\u2010]+", "", unicodedata.normalize("NFKC", text))


def look_at(pdf: bytes, tmp_path: Path) -> tuple[str, list[Image.Image]]:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-r", str(DPI), "-gray", "-png", str(path), str(tmp_path / "page")], check=True)
    pages = [Image.open(p).convert("L") for p in sorted(tmp_path.glob("page-*.png"))]
    return text, pages


def ink_rows(page: Image.Image) -> list[int]:
    width, height = page.size
    pixels = page.load()
    return [y for y in range(height) if any(pixels[x, y] < 200 for x in range(width))]


def assert_nothing_cut(html: str, pdf: bytes, tmp_path: Path) -> list[Image.Image]:
    parser = _Text()
    parser.feed(html)
    text, pages = look_at(pdf, tmp_path)
    whole = squeeze(text)
    missing = [piece.strip() for piece in parser.pieces if squeeze(piece) not in whole]
    assert not missing, f"text of the HTML not found whole in the PDF: {missing[:5]}"
    for number, page in enumerate(pages, 1):
        width, height = page.size
        pixels = page.load()
        for x in [*range(MARGIN_PX), *range(width - MARGIN_PX, width)]:
            column = [pixels[x, y] for y in range(height)]
            assert min(column) > 200, f"page {number}: something is drawn in the side margin (x={x})"
        if number < len(pages):
            assert max(ink_rows(page)) > height * 0.6, f"page {number} is mostly blank"
    return pages


def test_the_estimate_pdf_is_its_html_report_whole(personas, tmp_path):
    estimate = make_estimate(personas.data_manager)
    estimate.label = LONG_LABEL
    estimate.save(update_fields=["label"])
    html = linkage_reports.html_report(estimate)
    pdf = linkage_reports.pdf_report(estimate)
    assert personas.org.name in html and LONG_LABEL in html
    pages = assert_nothing_cut(html, pdf, tmp_path)
    assert len(pages) >= 1
    images = subprocess.run(["pdfimages", "-list", str(tmp_path / "report.pdf")], capture_output=True, text=True,
                            check=True).stdout.splitlines()[2:]  # fmt: skip
    assert len(images) >= 1 + bool(linkage_reports.estimate_context(estimate)["forest"])  # the charts are in
    fonts = subprocess.run(["pdffonts", str(tmp_path / "report.pdf")], capture_output=True, text=True).stdout
    assert "Noto-Sans" in fonts  # the vendored font, embedded


def test_the_estimate_pdf_speaks_french(personas, tmp_path):
    estimate = make_estimate(personas.data_manager)
    with translation.override("fr"):
        html = linkage_reports.html_report(estimate)
        pdf = linkage_reports.pdf_report(estimate)
    assert "Estimation de la population cachée" in html
    assert_nothing_cut(html, pdf, tmp_path)


def test_the_release_pdf_is_its_html_report_whole(personas, tmp_path):
    release = make_release(personas.data_manager, label=LONG_LABEL)
    extra = {"intro": [f"Organization: {personas.org.name}", "Published on 2026-12-06"],
             "published_at": "2026-12-06T10:00:00+00:00"}  # fmt: skip
    html = privacy_report.html_report(release, extra)
    pdf = privacy_report.pdf_report(release, extra)
    assert_nothing_cut(html, pdf, tmp_path)


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "http://127.0.0.1:9/x.png", "https://example.org/a.css", "ftp://host/a",
     f"file://{Path(__file__).resolve()}"],
)
def test_a_report_fetches_nothing_beyond_its_charts_and_ctm_s_static_files(url):
    with pytest.raises(RefusedResource):
        fetch(url)


def test_a_hostile_reference_in_a_report_is_not_followed(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    html = f'<html><body><h1>Report</h1><iframe src="file://{secret}"></iframe><object data="file://{secret}"></object><img src="file://{secret}"></body></html>'
    text, _ = look_at(html_to_pdf(html), tmp_path)
    assert "TOP-SECRET-CONTENT" not in text and "Report" in text
