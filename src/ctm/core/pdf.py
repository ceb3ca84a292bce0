"""PDF reports from the report's own HTML: one code path for every report CTM hands out (estimates,
releases). WeasyPrint lays the page out; the print stylesheet and the vendored Noto Sans come from
the core's static files.

A report holds text typed by users (labels, list names), so the renderer fetches nothing from the
network or the disk beyond `data:` URLs (the charts) and the core's own static files: a hostile label
cannot make the server read a local file or call an address (docs/data-protection.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

STATIC = (Path(__file__).resolve().parent / "static" / "ctm").resolve()


class RefusedResource(ValueError):
    pass


def _fetcher_class() -> type:
    from urllib.parse import unquote, urlsplit

    from weasyprint.urls import URLFetcher

    class ReportFetcher(URLFetcher):
        """`data:` URLs and files below the core's static folder; anything else is refused."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data", "file"}, allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:"):
                path = Path(unquote(urlsplit(url).path)).resolve()
                if path.is_relative_to(STATIC) and path.is_file():
                    return super().fetch(path.as_uri(), headers)
            raise RefusedResource("a report may only use its own charts and CTM's static files")

    return ReportFetcher


def fetch(url: str) -> Any:
    """Fetch one URL as a report may: its charts (`data:`) and CTM's static files, nothing else."""
    return _fetcher_class()().fetch(url)


def html_to_pdf(html: str, *, title: str = "") -> bytes:
    """The PDF of a report's HTML, on A4 with the print stylesheet; `title` goes into the metadata."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fetcher = _fetcher_class()()
    fonts = FontConfiguration()  # loads the @font-face rules (the vendored Noto Sans)
    document = HTML(string=html, base_url=STATIC.as_uri() + "/", url_fetcher=fetcher)
    stylesheet = CSS(filename=str(STATIC / "print.css"), url_fetcher=fetcher, font_config=fonts)
    rendered = document.render(stylesheets=[stylesheet], font_config=fonts)
    if title:
        rendered.metadata.title = title
    rendered.metadata.authors = []
    rendered.metadata.generator = "CTM"
    return rendered.write_pdf()
