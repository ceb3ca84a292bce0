"""Every page in French: each GET URL of the permission matrix, as the first role that may open it,
rendered in French, holds none of the known English-only words of the interface.

The words are built from the English catalogue: the words of the short strings (labels, buttons,
headings, choices: four words or fewer) that no French translation uses. A page that shows one of
them shows a string that was not translated (or was built in Python without gettext). The test's own
data (names, places, free text written in English by the fixtures) is listed in DATA_WORDS.
"""

from __future__ import annotations

import gettext
import html
import re
from functools import cache
from pathlib import Path

import pytest
from django.urls import reverse

import ctm
from tests.cases.test_permission_matrix import MATRIX, PENDING, _objects, sign_in
from tests.cases.test_permission_matrix import ROLES as MATRIX_ROLES

pytestmark = pytest.mark.django_db

MO = Path(ctm.__file__).parent / "locale/fr/LC_MESSAGES/django.mo"
# the matrix's roles that finished logging in (and the anonymous visitor), the first that may open a page
ROLES = [*[r for r in MATRIX_ROLES if r not in PENDING and r not in ("anonymous", "other_caseworker")], "anonymous"]
DATA_WORDS = {  # the fixtures' data, and the language switch (each language named in its own)
    "Home",
    "Outsider",  # organizations ("Home NGO", "Outsider NGO")
    "caseworker",
    "manager",
    "admin",
    "auditor",
    "reviewer",  # usernames ("case_manager", "org_admin")
    "English",
}
DATA_TEXTS = [  # free text and names the fixtures write in English, and the CTDC values of a release's data
    "Identified victims with no other programme.",
    "The national programme has no budget left this year.",
    "Safe accommodation for two weeks and a ticket home.",
    "Two weeks in a shelter",
    "Dental care",
    "fixture release",
    "fixture upload",
    "field office",
    "private contact",
    "manifest.json",
    "Emergency fund",
    "Forced labour",
    "Sexual exploitation",
]
WORD = re.compile(r"\b[A-Za-z][a-z]{3,}\b")


@cache
def english_only() -> frozenset[str]:
    catalog = gettext.GNUTranslations(MO.open("rb"))._catalog  # type: ignore[attr-defined]
    english: set[str] = set()
    french: set[str] = set()
    for key, text in catalog.items():
        msgid = (key[0] if isinstance(key, tuple) else key).split("\x04")[-1]
        french |= {w.lower() for w in WORD.findall(text)}
        if msgid and len(msgid.split()) <= 4:
            english |= set(WORD.findall(msgid))
    return frozenset(w for w in english if w.lower() not in french and w not in DATA_WORDS)


def visible_text(body: str) -> str:
    body = re.sub(r"(?s)<(script|style|code|svg|pre)\b.*?</\1>", " ", body)  # pre: a manifest (JSON)
    body = re.sub(r"(?s)<select\b.*?</select>", " ", body)  # long code lists (countries, currencies)
    text = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))
    for data in DATA_TEXTS:
        text = text.replace(data, " ")
    return text


def _pages() -> list[str]:
    return sorted(name for name, (method, *_rest) in MATRIX.items() if method == "get")


@pytest.mark.parametrize("name", _pages())
def test_the_page_speaks_french(client, personas, name):
    _method, kwargs, _data, expected = MATRIX[name]
    role = next((r for r in ROLES if expected.get(r) == 200), None)
    if role is None:
        pytest.skip("no role opens it with GET")
    objects = _objects(personas)
    sign_in(client, personas, role)
    response = client.get(reverse(name, kwargs=kwargs(personas, objects)), HTTP_ACCEPT_LANGUAGE="fr")
    if "text/html" not in response.get("Content-Type", ""):
        pytest.skip("not a page")
    text = visible_text(response.content.decode())
    found = sorted({w for w in WORD.findall(text) if w in english_only()})
    assert not found, f"{name} as {role}, in French, shows English words: {found}"
