"""Read a rendered HTML form back into the data a browser would post for it, unchanged (stdlib only)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# The HTML standard's value sanitization: a browser drops a value its input type cannot hold, so the
# field shows empty and posts "" (https://html.spec.whatwg.org/#value-sanitization-algorithm).
_VALID = {
    "date": re.compile(r"^\d{4,}-\d{2}-\d{2}$"),
    "datetime-local": re.compile(r"^\d{4,}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$"),
    "time": re.compile(r"^\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$"),
    "month": re.compile(r"^\d{4,}-\d{2}$"),
    "number": re.compile(r"^-?(\d+|\d*\.\d+)([eE][-+]?\d+)?$"),
}


def browser_value(kind: str, value: str) -> str:
    pattern = _VALID.get(kind)
    return value if pattern is None or pattern.match(value) else ""


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inside = False
        self.forms: list[tuple[list[tuple[str, str]], list[dict[str, str]]]] = []
        self.data: list[tuple[str, str]] = []
        self.inputs: list[dict[str, str]] = []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = True
            self.data, self.inputs = [], []
            self.forms.append((self.data, self.inputs))
        if not self.inside:
            return
        if tag == "input":
            self._input(a)
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.data.append((self._select, a.get("value", "")))
        elif tag == "textarea":
            self._textarea, self._text = a.get("name"), []

    def _input(self, a: dict[str, str]) -> None:
        kind, name = a.get("type", "text"), a.get("name")
        self.inputs.append(a)
        if not name or kind in {"submit", "button", "file", "reset"}:
            return
        if kind in {"checkbox", "radio"}:
            if "checked" in a:
                self.data.append((name, a.get("value", "on")))
            return
        self.data.append((name, browser_value(kind, a.get("value", ""))))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea and self.inside:
            text = "".join(self._text)
            text = text[1:] if text.startswith("\n") else text
            # a browser posts a textarea's line breaks as CRLF (the form-submission algorithm)
            self.data.append((self._textarea, text.replace("\r\n", "\n").replace("\n", "\r\n")))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self._text.append(data)


def read_form(html: str, field: str) -> tuple[dict[str, list[str]], list[dict[str, str]]]:
    """The name → values a browser posts, unchanged, for the first form of the page that has the
    named field, and the attributes of that form's inputs."""
    reader = _FormReader()
    reader.feed(html)
    for pairs, inputs in reader.forms:
        data: dict[str, list[str]] = {}
        for name, value in pairs:
            data.setdefault(name, []).append(value)
        if field in data or any(i.get("name") == field for i in inputs):
            return data, inputs
    raise AssertionError(f"no form with a field {field!r} on the page")
