"""The case timeline's items are written by one template tag (`timeline_items`, issue 9: the case page's
cost): the same HTML as the template loop it replaced, in English and French, in another time zone,
escaped as `{{ }}` escapes."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from ctm.cases.interfaces.timeline import Entry

OLD_LOOP = (
    "{% load i18n %}"
    "{% for e in timeline %}<li>{% blocktranslate with who=e.who what=e.what %}<strong>{{ who }}</strong>: "
    "{{ what }}{% endblocktranslate %} · <time datetime=\"{{ e.when|date:'c' }}\">{{ e.when|date:\"Y-m-d H:i\" }}"
    "</time>{% if e.details %}<br><small>{{ e.details|join:\"; \" }}</small>{% endif %}</li>{% endfor %}"
)
NEW_TAG = "{% load ctm_cases %}{% timeline_items timeline %}"

ENTRIES = [
    Entry(datetime.datetime(2026, 1, 5, 23, 59, 7, 123456, tzinfo=datetime.UTC), "olga", "Case opened", []),
    Entry(
        datetime.datetime(2026, 7, 1, 0, 3, tzinfo=datetime.UTC),
        'ion <script>alert("x")</script>',
        "Note & <b>added</b>",
        ["Stage: Screening → Assistance", "Place: <i>Chișinău</i> & 'there'"],
    ),
    Entry(datetime.datetime(999, 3, 4, 5, 6, tzinfo=datetime.UTC), "a former user", "Another change", ["x"]),
]


def render(source: str, entries: list[Entry]) -> str:
    return Template(source).render(Context({"timeline": entries}))


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/Chisinau", "Asia/Bangkok"])
def test_the_timeline_tag_writes_what_the_loop_wrote(language, zone):
    with translation.override(language), timezone.override(zone):
        old, new = render(OLD_LOOP, ENTRIES), render(NEW_TAG, ENTRIES)
    assert new == old
    assert "&lt;script&gt;" in new and "<script>" not in new and "&amp; &#x27;there&#x27;" in new


def test_the_timeline_tag_speaks_the_page_language_and_writes_nothing_for_no_entry():
    with translation.override("fr"), timezone.override("UTC"):
        french = render(NEW_TAG, ENTRIES[:1])
    assert french == (
        '<li><strong>olga</strong> : Case opened · <time datetime="2026-01-05T23:59:07.123456+00:00">'
        "2026-01-05 23:59</time></li>"
    )
    assert render(OLD_LOOP, []) == render(NEW_TAG, []) == ""
