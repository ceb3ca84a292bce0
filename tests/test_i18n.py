"""Translations: the French catalogue is complete, well-formed and in step with the source.

The catalogues live in src/ctm/locale (settings.LOCALE_PATHS). To update them after changing a
user-facing string, see "Translations" in docs/conventions.md.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import trans_real

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
LOCALE = SRC / "ctm" / "locale"
FR_PO = LOCALE / "fr" / "LC_MESSAGES" / "django.po"
EN_PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"

# Must match the command documented in docs/conventions.md (run from src/).
MAKEMESSAGES_ARGS = ["--ignore=*/engine/*", "-e", "html,py,txt"]
UPDATE_HINT = (
    "the French catalogue is out of date: cd src && ../.venv/bin/django-admin makemessages -l fr -l en "
    "--settings=config.settings --ignore='*/engine/*' -e html,py,txt, translate the new entries in "
    "src/ctm/locale/fr/LC_MESSAGES/django.po, then `make messages` (see docs/conventions.md)"
)


# --- a tiny .po reader (no dependency on polib) ------------------------------------------------------

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"\s*$')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unescape(s: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), s)


class Entry:
    def __init__(self) -> None:
        self.flags: set[str] = set()
        self.fields: dict[str, str] = {}
        self.obsolete = False
        self.line = 0

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.fields.get("msgctxt"), self.fields["msgid"], self.fields.get("msgid_plural"))

    @property
    def msgstrs(self) -> dict[str, str]:
        return {k: v for k, v in self.fields.items() if k.startswith("msgstr")}

    def __repr__(self) -> str:
        return f"line {self.line}: {self.key!r}"


def read_po(path: Path) -> tuple[Entry, list[Entry]]:
    """(header, active entries) of a .po file; obsolete (#~) entries are dropped."""
    entries: list[Entry] = []
    cur: Entry | None = None
    field = None
    seen_msgstr = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            cur, field, seen_msgstr = None, None, False
            continue
        match = _KEYWORD.match(line)
        # an entry ends at a blank line, or when a comment / msgctxt / msgid follows its msgstr
        if cur is None or (
            seen_msgstr and (line.startswith("#") or (match and match.group(1) in ("msgctxt", "msgid")))
        ):
            cur, field, seen_msgstr = Entry(), None, False
            cur.line = number
            entries.append(cur)
        if line.startswith("#~"):
            cur.obsolete = True
        elif line.startswith("#,"):
            cur.flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
        elif line.startswith("#"):
            continue
        elif match:
            field = match.group(1)
            cur.fields[field] = _unescape(match.group(2))
            seen_msgstr = seen_msgstr or field.startswith("msgstr")
        elif line.startswith('"') and field:
            cur.fields[field] += _unescape(line.strip()[1:-1])
        else:
            raise AssertionError(f"{path}:{number}: cannot parse {line!r}")
    entries = [e for e in entries if not e.obsolete and "msgid" in e.fields]
    headers = [e for e in entries if e.fields["msgid"] == "" and "msgctxt" not in e.fields]
    assert len(headers) == 1, f"{path}: expected one header entry"
    return headers[0], [e for e in entries if e is not headers[0]]


def header_fields(header: Entry) -> dict[str, str]:
    lines = [line.split(":", 1) for line in header.fields["msgstr"].splitlines() if ":" in line]
    return {k.strip(): v.strip() for k, v in lines}


_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[#0\- +]*\d*(?:\.\d+)?[sdifrxXeEgGcoa%]|\{[^{}\s]*\}")


def placeholders(s: str) -> list[str]:
    return sorted(p for p in _PLACEHOLDER.findall(s) if p != "%%")


# --- (a) the committed catalogue ---------------------------------------------------------------------


def test_catalogue_is_where_settings_look():
    assert Path(settings.LOCALE_PATHS[0]).resolve() == LOCALE.resolve()
    assert FR_PO.is_file() and EN_PO.is_file()
    assert [code for code, _ in settings.LANGUAGES] == ["en", "fr"]


def test_french_header_is_valid():
    header, _ = read_po(FR_PO)
    fields = header_fields(header)
    assert "fuzzy" not in header.flags
    assert fields["Language"] == "fr"
    assert fields["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"


def test_english_header_is_valid_and_english_is_the_source_language():
    header, entries = read_po(EN_PO)
    fields = header_fields(header)
    assert "fuzzy" not in header.flags
    assert fields["Language"] == "en"
    assert fields["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert not [e for e in entries if any(e.msgstrs.values())], "English msgstr stay empty (source language)"
    assert {e.key for e in entries} == {e.key for e in read_po(FR_PO)[1]}, "en and fr catalogues differ"


def test_every_french_entry_is_translated_and_not_fuzzy():
    _, entries = read_po(FR_PO)
    assert len(entries) > 500
    fuzzy = [e for e in entries if "fuzzy" in e.flags]
    assert not fuzzy, f"fuzzy entries: {fuzzy}"
    empty = [e for e in entries if not e.msgstrs or not all(e.msgstrs.values())]
    assert not empty, f"untranslated entries: {empty}"
    plurals = [e for e in entries if "msgid_plural" in e.fields]
    assert plurals
    bad_plurals = [e for e in plurals if sorted(e.msgstrs) != ["msgstr[0]", "msgstr[1]"]]
    assert not bad_plurals, f"French has exactly two plural forms: {bad_plurals}"


def test_french_placeholders_match_the_source():
    _, entries = read_po(FR_PO)
    wrong = []
    for e in entries:
        if "msgid_plural" in e.fields:
            expected = {
                "msgstr[0]": placeholders(e.fields["msgid"]),
                "msgstr[1]": placeholders(e.fields["msgid_plural"]),
            }
        else:
            expected = {"msgstr": placeholders(e.fields["msgid"])}
        for name, want in expected.items():
            got = placeholders(e.fields.get(name, ""))
            if got != want:
                wrong.append((e, name, want, got))
    assert not wrong, "placeholders differ:\n" + "\n".join(map(repr, wrong))


def test_gettext_accepts_the_catalogues(tmp_path):
    for po in (FR_PO, EN_PO):
        result = subprocess.run(
            ["msgfmt", "--check", "-o", str(tmp_path / "out.mo"), str(po)], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr


# --- (b) the catalogue is in step with the source ----------------------------------------------------


def test_catalogue_has_every_string_of_the_source(tmp_path):
    """Extract the strings afresh from a copy of src/ and compare with the committed catalogue."""
    copy = tmp_path / "src"
    skip = shutil.ignore_patterns("__pycache__", "locale", "static", "engine", "*.mo", "*.pyc")
    for package in ("config", "ctm"):
        shutil.copytree(SRC / package, copy / package, ignore=skip)
    before = FR_PO.read_bytes()
    # Import the copied settings (cwd and PYTHONPATH come first), check they point into the copy, and
    # only then run makemessages, so the committed catalogue can never be overwritten.
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "import config.settings as s\n"
        "target = Path(s.LOCALE_PATHS[0]).resolve()\n"
        "if not target.is_relative_to(Path.cwd().resolve()):\n"
        "    sys.exit(f'LOCALE_PATHS points outside the copy: {target}')\n"
        "from django.core.management import execute_from_command_line\n"
        "execute_from_command_line(['django-admin', 'makemessages', '-l', 'fr', '--settings=config.settings',"
        f" *{MAKEMESSAGES_ARGS!r}])\n"
    )
    env = {
        **os.environ,
        "PYTHONPATH": str(copy),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "CTM_VAR_DIR": str(tmp_path / "var"),
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=copy, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert FR_PO.read_bytes() == before
    fresh = copy / "ctm" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    source_keys = {e.key for e in read_po(fresh)[1]}
    catalogue_keys = {e.key for e in read_po(FR_PO)[1]}
    missing = sorted(source_keys - catalogue_keys, key=repr)
    stale = sorted(catalogue_keys - source_keys, key=repr)
    assert not missing, f"{UPDATE_HINT}; not in the catalogue: {missing}"
    assert not stale, f"{UPDATE_HINT}; no longer in the source: {stale}"


# --- (c) Django translates with the catalogue --------------------------------------------------------


@pytest.fixture(scope="module")
def compiled_catalogues():
    """Compile the .mo files when missing or older than the .po (what `make messages` does)."""
    stale = [
        po.parent.parent.name
        for po in (FR_PO, EN_PO)
        if not po.with_suffix(".mo").is_file() or po.with_suffix(".mo").stat().st_mtime < po.stat().st_mtime
    ]
    if stale:
        cwd = Path.cwd()
        try:
            os.chdir(SRC)
            call_command("compilemessages", locale=stale, verbosity=0)
        finally:
            os.chdir(cwd)
    trans_real._translations.clear()  # drop catalogues loaded before the compilation
    trans_real._default = None
    yield
    translation.deactivate()


def test_french_is_used_when_activated(compiled_catalogues):
    with translation.override("fr"):
        assert translation.gettext("Cases") == "Dossiers"
        assert translation.gettext("Activity log") == "Journal d'activité"
        assert translation.gettext("Two-factor authentication") == "Authentification à deux facteurs"
        assert translation.gettext("Case %(n)s") % {"n": "CHI-2026-0001"} == "Dossier CHI-2026-0001"


def test_french_respects_the_context(compiled_catalogues):
    with translation.override("fr"):
        assert translation.pgettext("case status", "Closed") == "Clôturé"
        assert translation.pgettext("case stage", "Closed") == "Clôture"
        assert translation.pgettext("voluntary return", "Voluntary return") == "Retour volontaire"
        assert translation.pgettext("voluntary return", "Return") == "Retour"
        from ctm.cases.enums import CaseStatus, Stage

        assert str(CaseStatus.CLOSED.label) == "Clôturé"
        assert str(Stage.CLOSED.label) == "Clôture"


def test_french_plurals(compiled_catalogues):
    def cases(n: int) -> str:
        return translation.ngettext("%(n)s case", "%(n)s cases", n) % {"n": n}

    with translation.override("fr"):
        assert cases(0) == "0 dossier"  # French: 0 takes the singular
        assert cases(1) == "1 dossier"
        assert cases(2) == "2 dossiers"
    with translation.override("en"):
        assert cases(0) == "0 cases"
        assert cases(1) == "1 case"
