"""`ctm privacy shred` and `ctm privacy due`: clear messages, exit codes, nothing changed on an error."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from ctm.cases.management.commands import privacy
from ctm.cases.models import Case, Person
from ctm.core.models import ActivityLog, RetentionRule
from tests.cases import erasure_data as d
from tests.conftest import as_in_production

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        as_in_production(call_command, "privacy", *args, stdout=out, stderr=out)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + str(exc)
    return 0, out.getvalue()


@pytest.fixture
def shreddable(personas):
    return d.make_shreddable(personas.caseworker, personas.case_manager, closed_on=datetime.date(2010, 1, 4))


def given_name(case: Case) -> str:
    return Person.objects.get(pk=case.person_id).given_name


def test_shred_by_case_number_exports_then_erases(shreddable, tmp_path):
    code, out = run("shred", shreddable.case.number, "--export", str(tmp_path), "--yes")
    assert code == 0, out
    archives = list(tmp_path.glob("*.zip"))
    assert len(archives) == 1 and str(archives[0]) in out and "Erased person" in out
    assert "record.json" in zipfile.ZipFile(archives[0]).namelist()
    assert given_name(shreddable.case) == ""
    assert d.GIVEN not in out and d.FAMILY not in out

    code, out = run("shred", str(shreddable.case.person_id), "--export", str(tmp_path), "--yes")
    assert code == 0 and "Nothing identifying is left" in out
    assert len(list(tmp_path.glob("*.zip"))) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["shred", "XX-NOPE-2020-00001", "--export", "{tmp}", "--yes"], "No case number or person id"),
        (["shred", "{number}", "--yes"], "requires an export before erasure. Give --export PATH."),
        (["shred", "{number}", "--export", "{tmp}/missing/x.zip", "--yes"], "does not exist"),
        (["shred", "{number}", "--export", "{tmp}"], "Add --yes to confirm"),
    ],
)
def test_shred_errors_change_nothing(shreddable, tmp_path, args, message):
    args = [a.format(tmp=tmp_path, number=shreddable.case.number) for a in args]
    entries = ActivityLog.objects.count()
    code, out = run(*args)
    assert code == 1 and message in out
    assert given_name(shreddable.case) == d.GIVEN and ActivityLog.objects.count() == entries
    assert list(tmp_path.iterdir()) == []


def test_shred_refuses_an_open_case(personas, tmp_path):
    code, out = run("shred", personas.case.number, "--export", str(tmp_path), "--yes")
    assert code == 1 and "still open" in out and given_name(personas.case) == "Olga"


def test_shred_asks_at_a_terminal(shreddable, tmp_path, monkeypatch):
    monkeypatch.setattr(privacy.sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    code, out = run("shred", shreddable.case.number, "--export", str(tmp_path))
    assert code == 1 and "nothing was changed" in out and given_name(shreddable.case) == d.GIVEN
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    code, out = run("shred", shreddable.case.number, "--export", str(tmp_path))
    assert code == 0 and given_name(shreddable.case) == ""


def test_shred_without_export_when_the_rule_allows_it(personas, shreddable):
    RetentionRule.objects.create(organization=personas.org, require_export=False)
    code, out = run("shred", shreddable.case.number, "--yes")
    assert code == 0 and "Exported" not in out and given_name(shreddable.case) == ""


def test_due_lists_then_applies(personas, shreddable, tmp_path):
    code, out = run("due", "--on", "2019-12-31")
    assert code == 0 and "No person is due" in out
    code, out = run("due", "--on", "2020-01-04")
    assert code == 0 and shreddable.case.number in out and "2020-01-04" in out
    assert d.GIVEN not in out and personas.case.number not in out
    code, out = run("due", "--on", "2020-01-04", "--organization", "out")
    assert code == 0 and "No person is due" in out

    code, out = run("due", "--on", "2020-01-04", "--apply", "--export-dir", str(tmp_path), "--yes")
    assert code == 0, out
    assert len(list(tmp_path.glob("*.zip"))) == 1 and given_name(shreddable.case) == ""
    code, out = run("due", "--on", "2020-01-04")
    assert "No person is due" in out


def test_due_apply_needs_the_export_the_rule_requires(shreddable):
    code, out = run("due", "--on", "2030-01-01", "--apply", "--yes")
    assert code == 1 and "give --export-dir DIR" in out and given_name(shreddable.case) == d.GIVEN


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["due", "--on", "tomorrow"], "is not a date"),
        (["due", "--organization", "NOPE"], "No organization with code NOPE"),
        (["due", "--export-dir", "/tmp"], "--export-dir goes with --apply"),
        (
            ["due", "--on", "2030-01-01", "--apply", "--export-dir", "/nonexistent/dir", "--yes"],
            "does not exist",
        ),
    ],
)
def test_due_usage_errors(shreddable, args, message):
    code, out = run(*args)
    assert code == 2 and message in out and given_name(shreddable.case) == d.GIVEN


def test_the_console_shows_a_message_never_a_traceback(shreddable, capsys, monkeypatch):
    """The path `ctm privacy …` takes from the shell: a CommandError becomes one line and an exit code."""
    from django.db import connections

    monkeypatch.setattr(connections, "close_all", lambda: None)  # keep the test database open
    with pytest.raises(SystemExit) as exit_info:
        privacy.Command().run_from_argv(["ctm", "privacy", "shred", "NO-SUCH-CASE", "--yes"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 1 and "No case number or person id NO-SUCH-CASE" in err
    assert "Traceback" not in err
    with pytest.raises(SystemExit) as exit_info:
        privacy.Command().run_from_argv(["ctm", "privacy"])
    assert exit_info.value.code == 2 and "Traceback" not in capsys.readouterr().err


def test_due_apply_goes_on_after_a_failure_and_says_so(personas, shreddable, tmp_path, monkeypatch):
    second = d.make_shreddable(
        personas.caseworker, personas.case_manager, closed_on=datetime.date(2010, 1, 5)
    )
    real = privacy.erasure.shred_person

    def flaky(person, **kwargs):
        if person.pk == shreddable.case.person_id:
            raise privacy.erasure.ExportPathError("disk full")
        return real(person, **kwargs)

    monkeypatch.setattr(privacy.erasure, "shred_person", flaky)
    code, out = run("due", "--on", "2030-01-01", "--apply", "--export-dir", str(tmp_path), "--yes")
    assert code == 1 and "1 of 2 person(s) could not be erased" in out and "disk full" in out
    assert given_name(shreddable.case) == d.GIVEN and given_name(second.case) == ""
