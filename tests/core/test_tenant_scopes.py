"""Tenant isolation by construction (django-scopes): a query on a tenant-owned model outside a scope
raises, requests/commands/jobs enter theirs at one choke point, and the escape hatches appear only in
the short allowlist below (docs/decisions/0005-tenant-scopes.md)."""

from __future__ import annotations

import contextvars
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpResponse, JsonResponse
from django.test import override_settings
from django.urls import path

from ctm.accounts.models import User
from ctm.cases.models import Case, Note, Person
from ctm.core.models import ActivityLog, Membership, Office, Organization, RetentionRule, TenantManager
from ctm.core.scopes import (
    ScopeError,
    active_organizations,
    no_scope,
    organization_scope,
)

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[2] / "src" / "ctm"

# Models that carry an organization but are not tenant-owned rows: the organization's own settings,
# read before any scope exists (at login, to find the membership) or by the platform.
NOT_TENANT_OWNED = {
    Office: "an organization's offices: configuration, read at login and by the platform admin",
    Membership: "who belongs where: read at login to find the scope itself",
    RetentionRule: "the organization's retention setting (no personal data)",
    ActivityLog: "the audit trail, read through activity_for_user only (its chain is verified whole)",
}

# Where the tenant scope may be lifted or bypassed, with how many times, and why. A new line here
# is a design decision: say why in docs/decisions/0005-tenant-scopes.md.
ALLOWLIST = {
    "core/scopes.py": (4, "defines the scopes; a job finds its own row's organization"),
    "core/models/base.py": (2, "builds TenantManager on django-scopes"),
    "core/domain/tasks.py": (2, "the dashboard refresh job: its snapshot row's id is all it has; it clears its mark"),
    "core/management/base.py": (2, "PlatformCommand: commands over every organization (key rotation)"),
    "cases/domain/queries/scoping.py": (2, "the shares made to one's organization (rows of the owners)"),
    "cases/domain/queries/cases.py": (2, "a refused case number: whose it is, for the owner's security log"),
    "privacy/domain/queries/releases.py": (2, "the public page: every organization's published releases"),
    "cases/domain/erasure.py": (5, "a DPO names a person in any organization; the erasure walks every linked row"),
    "funds/domain/queries/requests.py": (2, "a fund reviewer's door: which organizations sent requests to their funds"),
    "referrals/domain/queries/access.py": (2, "the referrals sent to one's organization (rows of the senders)"),
    "cases/domain/person_export.py": (3, "the export walks every row linked to the person, whatever it is"),
}
ESCAPES = re.compile(
    r"\bscopes_disabled\b|\bwith_scopes_disabled\b|\b_base_manager\b|\bunscoped\b|\ball_objects\b"
    r"|^\s*(from django_scopes import|import django_scopes)",
    re.M,
)


def tenant_models():
    return [m for m in apps.get_models() if m.__module__.startswith("ctm.") and _has_org(m)]


def _has_org(model) -> bool:
    field = next((f for f in model._meta.fields if f.name == "organization"), None)
    return field is not None and field.related_model is Organization and model not in NOT_TENANT_OWNED


def test_every_model_with_an_organization_is_scoped_with_no_other_manager():
    found = tenant_models()
    assert {m.__name__ for m in found} >= {"Case", "Person", "Note", "LinkageRun", "Release", "CaseShare"}
    for model in found:
        assert isinstance(model._default_manager, TenantManager), model
        assert [type(m) for m in model._meta.managers] == [type(model._default_manager)], model


def test_escape_hatches_only_in_the_allowlist():
    counts = {}
    for file in SRC.rglob("*.py"):
        if "migrations" in file.parts:
            continue
        n = len(ESCAPES.findall(file.read_text()))
        if n:
            counts[file.relative_to(SRC).as_posix()] = n
    assert counts == {name: n for name, (n, _why) in ALLOWLIST.items()}


@pytest.mark.parametrize("model", tenant_models(), ids=lambda m: m.__name__)
def test_a_query_outside_a_scope_raises(model):
    queries = (
        lambda: list(model.objects.all()),
        lambda: model.objects.filter(pk=1).exists(),
        lambda: model.objects.count(),
        lambda: model.objects.get(pk=1),
        lambda: model.objects.select_for_update().first(),
        lambda: model.objects.values_list("pk"),
        lambda: model.objects.update(organization_id=1),
        lambda: model.objects.filter(pk=1).delete(),
    )
    with no_scope():
        for query in queries:
            with pytest.raises(ScopeError):
                query()


def test_relations_are_scoped_too(personas):
    """Reverse relations use the scoped manager: `person.cases` or `user.owned_cases` outside a scope
    raise, and inside another organization's scope they find nothing."""
    person = Person.objects.get(pk=personas.case.person_id)
    caseworker = User.objects.get(pk=personas.caseworker.user_id)
    with no_scope(), pytest.raises(ScopeError):
        list(person.cases.all())
    with no_scope(), pytest.raises(ScopeError):
        list(caseworker.owned_cases.all())
    with organization_scope(personas.other_org):
        assert list(person.cases.all()) == []
        assert list(caseworker.owned_cases.all()) == []
        assert not Note.objects.filter(case_id=personas.case.pk).exists()
    with organization_scope(personas.org):
        assert list(person.cases.all()) == [personas.case]


def test_a_scope_never_means_every_organization(personas):
    """django-scopes filters nothing for `scope(organization=None)`: CTM's manager raises instead,
    and an empty organization list is refused."""
    from django_scopes import scope

    with scope(organization=None), pytest.raises(ScopeError):
        list(Case.objects.all())
    with no_scope(), pytest.raises(ScopeError):
        list(Case.objects.all())
    with pytest.raises(ValueError):
        organization_scope().__enter__()
    with pytest.raises(ValueError):
        organization_scope(None).__enter__()
    with organization_scope(personas.org, personas.other_org):
        assert Case.objects.count() == 2
        assert active_organizations() == sorted([personas.org.pk, personas.other_org.pk])


# --- a view written without the doors: it leaks nothing -------------------------------------------


def careless_case_view(request, number):
    """What a hurried developer might write: no door, no organization filter."""
    case = Case.objects.get(number=number)
    return HttpResponse(case.number)


def careless_owner_view(request, username):
    """Through a relation: every case a user owns."""
    user = User.objects.get(username=username)
    return JsonResponse({"cases": [c.number for c in user.owned_cases.all()]})


urlpatterns = [
    path("careless/case/<str:number>/", careless_case_view),
    path("careless/owner/<str:username>/", careless_owner_view),
]


@override_settings(ROOT_URLCONF=__name__)
def test_a_careless_view_shows_an_outsider_nothing_of_another_organization(client, personas):
    client.force_login(personas.outsider.user)
    with pytest.raises(ObjectDoesNotExist):  # the scope hides the row: the view answers 404/500, no data
        client.get(f"/careless/case/{personas.case.number}/")
    assert client.get(f"/careless/case/{personas.outsider_case.number}/").content.decode() == (
        personas.outsider_case.number
    )
    answer = client.get(f"/careless/owner/{personas.caseworker.user.username}/")
    assert answer.json() == {"cases": []}
    client.force_login(personas.caseworker.user)
    answer = client.get(f"/careless/owner/{personas.caseworker.user.username}/")
    assert answer.json() == {"cases": [personas.case.number]}


@override_settings(ROOT_URLCONF=__name__)
def test_a_careless_view_raises_for_an_anonymous_request(client, personas):
    with pytest.raises(ScopeError):
        client.get(f"/careless/case/{personas.case.number}/")


# --- jobs and commands enter their own scope -----------------------------------------------------


def _jobs(p):
    from ctm.linkage.domain.estimate_job import run_estimate
    from ctm.linkage.domain.run_job import run_linkage
    from ctm.privacy.domain.runs import run_release
    from tests.linkage_platform import objects as linkage_objects
    from tests.privacy_platform import objects as privacy_objects

    run = linkage_objects.make_run(p.data_manager)
    return [
        (run_linkage, run.pk),
        (run_estimate, linkage_objects.make_estimate(p.data_manager, run).pk),
        (run_release, privacy_objects.make_release(p.data_manager).pk),
    ]


def test_a_job_enters_its_rows_organization_itself(personas):
    """A job started in a thread or a worker has no scope at all (a new context): the decorated body
    finds its row and runs in its organization's scope; the same body undecorated would raise."""
    from ctm.core.scopes import job_scope

    for job, pk in _jobs(personas):
        contextvars.Context().run(job, pk)  # already done: reads its row, returns
        with pytest.raises(ScopeError):
            contextvars.Context().run(job.__wrapped__, pk)
    seen = []
    probe = job_scope(Case)(lambda pk: seen.append(active_organizations()))
    contextvars.Context().run(probe, personas.outsider_case.pk)
    assert seen == [[personas.other_org.pk]]
