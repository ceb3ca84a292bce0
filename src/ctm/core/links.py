"""Links for long lists: one `reverse` per URL name and page, not one per row.

Django's `{% url %}` resolves the pattern again for every row: on "my work" (up to 200 tasks, two links
each) that was about 30 ms of a page otherwise written in a few. `link_maker(name)` reverses the name
once with a marker in the argument's place and returns a function that puts each row's value there,
quoted exactly as `reverse` quotes it. Arguments that are the same on every row (the case page's rows
link to URLs with the case's number before the row's id, sometimes an action after) are given once:
`link_maker(name, number, after=("approve",), integer=True)`. A value that `reverse` might treat differently (empty, a "/", a
non-integer for an int argument) goes through `reverse` itself, so the result is always `reverse`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.urls import reverse

# django.urls.resolvers quotes the reversed path with these characters kept as they are.
_SAFE = "!$&'()*+,;=/~:@"
_MARKER_TEXT = "ctm0link0marker"
_MARKER_INT = 918273645


def link_maker(
    viewname: str, *before: object, after: tuple[object, ...] = (), integer: bool = False
) -> Callable[[object], str]:
    """`make(value)` == `reverse(viewname, args=[*before, value, *after])`, for a URL whose varying
    argument has an `int` converter when `integer`, else `str`."""

    def reversed_(value: object) -> str:
        return reverse(viewname, args=[*before, value, *after])

    marker = _MARKER_INT if integer else _MARKER_TEXT
    url = reversed_(marker)
    if url.count(str(marker)) != 1:  # the marker must say where the argument goes, once
        return reversed_
    head, tail = url.split(str(marker))

    def make(value: object) -> str:
        if integer:
            if type(value) is not int or value < 0:
                return reversed_(value)
            return f"{head}{value}{tail}"
        text = str(value)
        if not text or "/" in text:
            return reversed_(value)
        return f"{head}{quote(text, safe=_SAFE)}{tail}"

    return make
