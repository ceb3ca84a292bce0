"""Shared fixtures: personas, paths to ../shared/data (skipped with a reason where absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = (ROOT.parent / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder ../shared/data, or skip: it is present in CI (where its absence fails) and on the team's
    machines only."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"needs ../shared/data (not found at {SHARED_DATA}): CI must have it beside the clone")
        pytest.skip(f"needs ../shared/data (not found at {SHARED_DATA}); present in CI")
    return SHARED_DATA


@pytest.fixture(scope="session")
def ctdc_kanon_csv(shared_data: Path) -> Path:
    path = shared_data / "ctdc" / "kanon_2021" / "the_global_k_anon_dataset.csv"
    if not path.is_file():
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"needs the CTDC k-anonymized dataset at {path}")
    return path


def as_in_production(function, *args, **kwargs):
    """Call a command (or a job's body) outside any tenant scope, as it runs in production: what it
    reads it must reach through a scope it enters itself."""
    from ctm.core.reads import no_identifying_access
    from ctm.core.scopes import no_scope

    with no_scope(), no_identifying_access():
        return function(*args, **kwargs)


def count_reversals(client, url, monkeypatch, *modules):
    """How many times a URL was reversed while the page at `url` was written (the views' `reverse`,
    `link_maker`'s and the templates' `{% url %}`; `modules`: more modules that imported `reverse`
    themselves), and the response (asserted 200)."""
    import django.urls  # `{% url %}` imports its `reverse` from here at each use

    import ctm.core.links

    calls = []
    original = django.urls.reverse

    def counting(*args, **kwargs):
        calls.append(args[0] if args else kwargs.get("viewname"))
        return original(*args, **kwargs)

    with monkeypatch.context() as patch:
        for module in (django.urls, ctm.core.links, *modules):
            patch.setattr(module, "reverse", counting)
        response = client.get(url)
    assert response.status_code == 200
    return len(calls), response


# --- personas ------------------------------------------------------------------------------------
# One organization ("home") with a member of every role and a case owned by the caseworker, plus an
# outsider organization whose case manager must see nothing of home's cases.


class Personas:
    def __init__(self) -> None:
        from ctm.core.enums import Role
        from tests import factories as f

        self.org = f.make_org("CHI", "MD", name="Home NGO")
        self.other_org = f.make_org("OUT", "TH", name="Outsider NGO")
        self.caseworker = f.make_member(self.org, Role.CASEWORKER, "caseworker")
        self.other_caseworker = f.make_member(self.org, Role.CASEWORKER, "caseworker2")
        self.case_manager = f.make_member(self.org, Role.CASE_MANAGER, "manager")
        self.org_admin = f.make_member(self.org, Role.ORG_ADMIN, "orgadmin")
        self.data_manager = f.make_member(self.org, Role.DATA_MANAGER, "datamanager")
        self.fund_reviewer = f.make_member(self.org, Role.FUND_REVIEWER, "fundreviewer")
        self.auditor = f.make_member(self.org, Role.AUDITOR, "auditor")
        self.outsider = f.make_member(self.other_org, Role.CASE_MANAGER, "outsider")
        self.platform_admin = f.make_platform_admin()
        self.case = f.make_case(self.caseworker)
        self.outsider_case = f.make_case(self.outsider, given="Somchai", family="Boonmee")

    def membership(self, name: str):
        return getattr(self, name)


@pytest.fixture
def personas(db) -> Personas:
    return Personas()


@pytest.fixture(autouse=True)
def _test_bodies_see_every_organization():
    """Fixtures and test bodies set up and inspect data of several organizations, so they run with
    tenant scopes disabled. What they exercise enters its own scope and overrides this: a request
    (the middleware or the API's auth hook), a job's body; a command runs through
    `as_in_production` below. Tests of the scopes themselves use `no_scope()`. Likewise they read
    identifying data freely, while each request starts with identifying reads closed."""
    from ctm.core.reads import identifying_access
    from ctm.core.scopes import scopes_disabled

    with scopes_disabled(), identifying_access("test set-up and checks"):
        yield


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language():
    """A request in French leaves French active in the test's thread (LocaleMiddleware activates the
    request's language and does not switch it back), so the next test's English messages would come
    out in French: every test starts and ends in the default language."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _dashboard_computed_every_time(settings):
    """The manager views' snapshots (ctm.core.panels.figures) would show a test figures counted before
    its last change; tests/core/test_dashboard_snapshots.py turns them on where it tests them."""
    settings.CTM_DASHBOARD_REFRESH_SECONDS = 0


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is the production hasher (tested in tests/accounts); tests use a fast one for speed."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _release_files(settings, tmp_path_factory):
    """Published releases go to a temporary folder; jobs run at once, in the caller (django-tasks'
    immediate backend; tests/runtime runs a real `ctm worker` on the database backend)."""
    settings.CTM_RELEASES_DIR = tmp_path_factory.mktemp("releases")
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _audit_checkpoints(settings, tmp_path_factory):
    """Checkpoints of the activity log go to a temporary file (never var/ of the working copy)."""
    settings.CTM_AUDIT_CHECKPOINT_FILE = tmp_path_factory.mktemp("audit") / "checkpoints.jsonl"
    settings.CTM_AUDIT_SYSLOG = ""
