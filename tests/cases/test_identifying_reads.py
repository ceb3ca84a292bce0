"""Every read of identifying data is logged, by construction (docs/decisions/0012-logged-reads.md).

A person's identity decrypts only inside a logged read (`ctm.core.reads`); the places that open it
are an allowlist; every page and API operation that shows identifying data writes one entry per
read, in the log of the organization that owns the case — also for a partner's read of a shared
case; a refused attempt is a security event.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.template import engines
from django.test import Client, override_settings
from django.urls import path, reverse

from ctm.accounts.domain.auth import create_api_token
from ctm.cases.domain import cases as case_domain
from ctm.cases.domain import consent as consent_domain
from ctm.cases.models import Attachment, Case, Person
from ctm.core.models import ActivityLog
from ctm.core.reads import IdentifyingReadError, no_identifying_access
from tests.cases import erasure_data as d

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[2] / "src" / "ctm"
READS = re.compile(r"\.viewed$|^cases\.attachment\.downloaded$")

# Where an identity may be decrypted, how many times, and what logs the read.
ALLOWLIST = {
    "core/reads.py": (2, "defines identifying_access"),
    "cases/domain/queries/cases.py": (1, "view_person: logs cases.person.viewed"),
    "cases/domain/queries/case_page.py": (1, "the case page: logs cases.person.viewed with its parts"),
    "cases/domain/queries/people.py": (1, "names in the case list and its export: logs cases.person.listed"),
    "cases/domain/queries/parts.py": (
        6,
        "notes, guardians, screening, eligibility, events, context: each logs cases.<part>.viewed",
    ),
    "cases/domain/screening.py": (
        2,
        "a change of the screening or the context compares its free text: logged (masked)",
    ),
    "assistance/domain/queries/case_assistance.py": (
        5,
        "the assistance page and the API's reads: assistance.record.viewed",
    ),
    "funds/domain/queries/requests.py": (1, "read_request: logs funds.request.viewed"),
    "referrals/domain/queries/shared.py": (1, "referral_texts: logs referrals.referral.viewed"),
    "reintegration/domain/queries/case_reintegration.py": (
        5,
        "the return and reintegration page and the API's reads and rereads: reintegration.record.viewed",
    ),
    "cases/domain/persons.py": (2, "writes on a person log their change; the reindex logs its count"),
    "cases/domain/erasure.py": (2, "export and erasure, logged"),
    "core/domain/rotation.py": (1, "key rotation, logged core.keys.rotated"),
    "linkage/domain/queries/records.py": (1, "linkage lists: logged by the run or the clerical review"),
    "privacy/domain/queries/research_view.py": (1, "ages for a research release: the build is logged"),
    "directory/domain/queries/entries.py": (
        1,
        "private directory contacts: directory.entry.viewed / directory.entries.listed in the owner's log",
    ),
    "directory/domain/entries.py": (1, "a private entry's change or verification reopens it after the lock: logged"),
}


def test_identifying_reads_open_only_in_the_allowlist():
    counts = {}
    for file in SRC.rglob("*.py"):
        n = len(re.findall(r"\bidentifying_access\(", file.read_text()))
        if n:
            counts[file.relative_to(SRC).as_posix()] = n
    assert counts == {name: n for name, (n, _why) in ALLOWLIST.items()}


def test_an_identity_never_decrypts_outside_a_logged_read(personas):
    case_pk, person_pk = personas.case.pk, personas.case.person_id
    with no_identifying_access():
        for read in (
            lambda: Person.objects.get(pk=person_pk).given_name,
            lambda: Case.objects.get(pk=case_pk).person.birth_date,
            lambda: [c.person.family_name for c in Case.objects.filter(pk=case_pk).select_related("person")],
            lambda: [str(v) for v in Case.objects.values_list("person__given_name", flat=True)],
            lambda: [f"{v['birth_date']}" for v in Person.objects.values("birth_date")],
        ):
            with pytest.raises(IdentifyingReadError):
                read()
        # loaded outside a logged read, the row holds the ciphertext only
        loaded = Person.objects.get(pk=person_pk)
        assert "Olga" not in repr(vars(loaded))
        # what is not identifying still loads: the case, the person's non-identifying columns
        assert Case.objects.get(pk=case_pk).number == personas.case.number
        assert Person.objects.only("pk", "gender").get(pk=person_pk).gender == "Feminine"


def careless_view(request, number):
    """A page written without the door: the case's person straight into a template."""
    case = Case.objects.get(number=number)
    template = engines["django"].from_string("{{ case.person.given_name }} {{ case.person.birth_date }}")
    return HttpResponse(template.render({"case": case}))


urlpatterns = [path("careless/<str:number>/", careless_view)]


@override_settings(ROOT_URLCONF=__name__)
def test_a_careless_page_cannot_show_an_identity(client, personas):
    client.force_login(personas.caseworker.user)
    with pytest.raises(IdentifyingReadError):
        client.get(f"/careless/{personas.case.number}/")


def test_the_edit_form_of_personal_data_is_a_logged_read(client, personas):
    client.force_login(personas.caseworker.user)
    before = ActivityLog.objects.count()
    body = client.get(reverse("cases:edit_person", args=[personas.case.number])).content.decode()
    assert "Olga" in body
    entries = list(ActivityLog.objects.order_by("id")[before:])
    assert [(e.action, e.changes.get("purpose")) for e in entries] == [("cases.person.viewed", "edit form")]
    assert entries[0].organization_id == personas.org.pk


# --- the walk: every page and API operation that shows identifying data, one entry per read --------


@pytest.fixture
def full_case(personas):
    """A case with every kind of identifying data (left open so that every edit page opens)."""
    data = d.make_shreddable(personas.caseworker, personas.case_manager)
    case_domain.reopen_case(data.case, by=personas.case_manager, reason="walk")
    return Case.objects.get(pk=data.case.pk)


def _api(personas, membership):
    _token, raw = create_api_token(membership, name="walk", by=membership.user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _pages(case):
    n = case.number
    attachment = Attachment.objects.filter(case=case).first()
    return [
        ("page", reverse("cases:detail", args=[n]), "cases.person.viewed"),
        ("page", reverse("cases:edit_person", args=[n]), "cases.person.viewed"),
        ("page", reverse("cases:screening", args=[n]), "cases.screening.viewed"),
        ("page", reverse("cases:context", args=[n]), "cases.victim_context.viewed"),
        ("page", reverse("cases:attachment", args=[n, attachment.pk]), "cases.attachment.downloaded"),
        ("api", f"/api/v1/cases/{n}/person", "cases.person.viewed"),
        ("api", f"/api/v1/cases/{n}/notes", "cases.notes.viewed"),
        ("api", f"/api/v1/cases/{n}/guardians", "cases.guardians.viewed"),
        ("api", f"/api/v1/cases/{n}/screening", "cases.screening.viewed"),
        ("api", f"/api/v1/cases/{n}/eligibility", "cases.eligibility.viewed"),
        ("api", f"/api/v1/cases/{n}/victim-context", "cases.victim_context.viewed"),
        ("api", f"/api/v1/cases/{n}/events", "cases.events.viewed"),
    ]


def test_every_read_of_identifying_data_is_logged_once(client, personas, full_case):
    client.force_login(personas.caseworker.user)
    api = _api(personas, personas.caseworker)
    for kind, url, action in _pages(full_case):
        before = ActivityLog.objects.order_by("-id").values_list("id", flat=True).first()
        response = (client if kind == "page" else api).get(url)
        assert response.status_code == 200, url
        reads = [e for e in ActivityLog.objects.filter(id__gt=before) if READS.search(e.action)]
        assert [(e.action, e.object_id, e.organization_id) for e in reads] == [
            (action, str(full_case.pk), personas.org.pk)
        ], url
        assert all(d.GIVEN not in str(e.changes) + e.object_label for e in reads)


def test_the_api_patch_of_a_person_logs_the_read_of_its_answer(personas, full_case):
    api = _api(personas, personas.caseworker)
    before = ActivityLog.objects.order_by("-id").values_list("id", flat=True).first()
    person = Person.objects.get(pk=full_case.person_id)
    response = api.patch(
        f"/api/v1/cases/{full_case.number}/person",
        {"version": person.version, "address": "Elsewhere 2"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    actions = list(ActivityLog.objects.filter(id__gt=before).order_by("id").values_list("action", flat=True))
    assert actions == ["cases.person.updated", "cases.person.viewed"]


# --- partners' reads are in the owner's log -------------------------------------------------------


def test_a_partners_read_of_a_shared_case_is_in_the_owners_log(client, personas):
    p = personas
    consent = consent_domain.record_consent(
        p.case,
        by=p.caseworker,
        data={"scope": "referral", "given_on": datetime.date.today(), "referral_organization": p.other_org},
    )
    case_domain.share_case(p.case, by=p.case_manager, consent=consent)
    client.force_login(p.outsider.user)  # a case manager of the partner organization
    before = ActivityLog.objects.order_by("-id").values_list("id", flat=True).first()
    assert "Olga" in client.get(reverse("cases:detail", args=[p.case.number])).content.decode()
    (entry,) = ActivityLog.objects.filter(id__gt=before, action="cases.person.viewed")
    assert entry.organization_id == p.org.pk and entry.actor_id == p.outsider.user_id
    assert entry.changes["reader_organization"] == p.other_org.code
    client.force_login(p.auditor.user)  # the owner's auditor sees it
    log = client.get(reverse("core:activity"), {"actor": p.outsider.user.username}).content.decode()
    assert "Personal data viewed" in log and f"Read by organization: {p.other_org.name}" in log


# --- refused attempts are security events ---------------------------------------------------------


def test_a_refused_attempt_is_a_security_event_for_both_organizations(client, personas):
    p = personas
    client.force_login(p.outsider.user)
    before = ActivityLog.objects.order_by("-id").values_list("id", flat=True).first()
    assert client.get(reverse("cases:detail", args=[p.case.number])).status_code == 404
    events = ActivityLog.objects.filter(id__gt=before)
    assert {(e.action, e.organization_id) for e in events} == {
        ("security.case.refused", p.org.pk),
        ("security.case.refused", p.other_org.pk),
    }
    assert {e.actor_id for e in events} == {p.outsider.user_id}
    assert all("Olga" not in str(e.changes) and e.object_label == p.case.number for e in events)
    # text typed into the URL never reaches the log
    client.get("/cases/Olga%20Petrova%201995/")
    assert not ActivityLog.objects.filter(object_label__icontains="Olga").exists()


def test_the_activity_log_filters_security_events(client, personas):
    p = personas
    outsider = Client()
    outsider.force_login(p.outsider.user)
    outsider.get(reverse("cases:detail", args=[p.case.number]))
    api = _api(p, p.outsider)
    assert api.get(f"/api/v1/cases/{p.case.number}/person").status_code == 404
    client.force_login(p.auditor.user)
    body = client.get(reverse("core:activity"), {"security": "on"}).content.decode()
    assert body.count("<code>security.case.refused</code>") == 2
    assert "Case opened" not in body


# --- the same walk over the free text of assistance and funds --------------------------------------


def test_every_read_of_assistance_and_fund_free_text_is_logged_once(client, personas):
    """The assistance page and API reads, a fund request's page and API read: one read entry each, in
    the owner's log, with no identifying value in it."""
    from tests.api.conftest import build_world

    world = build_world(personas)
    n, request_id = personas.case.number, world.ids["reported_request"]
    walk = [
        ("page", reverse("assistance:case", args=[n]), "assistance.record.viewed", personas.case.pk),
        ("api", f"/api/v1/cases/{n}/assessments", "assistance.record.viewed", personas.case.pk),
        ("api", f"/api/v1/cases/{n}/plans", "assistance.record.viewed", personas.case.pk),
        ("api", f"/api/v1/cases/{n}/services", "assistance.record.viewed", personas.case.pk),
        ("page", reverse("funds:request", args=[request_id]), "funds.request.viewed", request_id),
        ("api", f"/api/v1/funds/requests/{request_id}", "funds.request.viewed", request_id),
    ]
    client.force_login(personas.caseworker.user)
    api = _api(personas, personas.caseworker)
    for kind, url, action, object_id in walk:
        before = ActivityLog.objects.order_by("-id").values_list("id", flat=True).first()
        response = (client if kind == "page" else api).get(url)
        assert response.status_code == 200, url
        reads = [e for e in ActivityLog.objects.filter(id__gt=before) if READS.search(e.action)]
        assert [(e.action, e.object_id, e.organization_id) for e in reads] == [
            (action, str(object_id), personas.org.pk)
        ], url
        assert "Olga" not in str(reads[0].changes) + reads[0].object_label


def test_a_record_asked_through_a_case_it_is_not_part_of_is_a_security_event(personas):
    """Another case's event, plan or service, addressed through one's own case (an id guessed or
    copied): 404, and a security event naming who tried — never the record."""
    from tests.api.conftest import build_world

    p = personas
    world = build_world(p)
    twin = Case.objects.get(number=world.ids["twin_number"])  # the outsider's case, every part filled
    from ctm.assistance.models import AssistancePlan
    from ctm.cases.models import TraffickingEvent
    from ctm.core.scopes import scopes_disabled

    with scopes_disabled():
        event = TraffickingEvent.objects.filter(case=twin).first()
        plan = AssistancePlan.objects.filter(case__organization=p.org).exclude(case=p.case).first()
    api = _api(p, p.case_manager)
    n = p.case.number
    before = ActivityLog.objects.order_by("-id").values_list("id", flat=True).first()
    assert api.delete(f"/api/v1/cases/{n}/events/{event.pk}").status_code == 404
    with scopes_disabled():
        assert TraffickingEvent.objects.filter(pk=event.pk).exists()  # the other case's event is untouched
    if plan is not None:
        assert api.post(f"/api/v1/cases/{n}/plans/{plan.pk}/approve").status_code == 404
    response = api.post(
        f"/api/v1/cases/{n}/services/999999/status", {"status": "ongoing"}, content_type="application/json"
    )
    assert response.status_code == 404
    events = list(ActivityLog.objects.filter(id__gt=before).order_by("id"))
    assert {e.action for e in events} == {"security.case_part.refused"}
    assert len(events) == (3 if plan is not None else 2)
    assert {e.actor_id for e in events} == {p.case_manager.user_id}
    assert {e.object_label for e in events} >= {str(event.pk), "999999"}
