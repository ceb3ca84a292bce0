"""Attacks on the panels asked for together (`GET /dashboard/panels/?panel=...`, decision 1107): odd,
repeated and malicious `panel` and `office` values, a panel the member's role may not see, another
organization's office, an office-bound caseworker asking for another office, a session that has not
finished two-factor (also through htmx), a session pointing at an organization the user is not a
member of, and the snapshot rows (organization, office, language) that keep what was counted.
Snapshots are on, as in production: what one request stores another reads."""

from __future__ import annotations

import dataclasses

import pytest
from django.urls import reverse

from ctm.core.enums import Role
from ctm.core.models import PanelSnapshot
from ctm.core.panels import Panel, PanelData
from tests import factories as f
from tests.cases.test_permission_matrix import sign_in
from tests.core.test_dashboard_preparing import SHARED

pytestmark = pytest.mark.django_db

PANELS = reverse("core:dashboard_panels")


@pytest.fixture(autouse=True)
def _snapshots_on(settings):
    settings.CTM_DASHBOARD_REFRESH_SECONDS = 60
    settings.CTM_DASHBOARD_MAX_AGE_SECONDS = 900


@pytest.fixture
def registry():
    """Panels registered by a test are gone after it."""
    from ctm.core import panels

    kept = dict(panels._PANELS)
    yield panels
    panels._PANELS.clear()
    panels._PANELS.update(kept)


def _together(client, query, **headers):
    return client.get(PANELS, query, HTTP_HX_REQUEST="true", **headers)


ODD_PANELS = [
    [""],
    ["cases"],
    ["cases."],
    [".caseload"],
    ["CASES.CASELOAD"],
    ["cases.caseload\x00"],
    ["cases.caseload "],
    ["x" * 5000],
    ["__class__"],
    ["../../etc/passwd"],
    ['"><script>alert(1)</script>'],
    ["referrals.states"],  # the member's own: shown on the page, never asked for together
]
ODD_OFFICES = ["abc", "99999999999999999999999", "-1", "0", "1.5", "\x00", "", " 1", "1e3", "१"]


@pytest.mark.parametrize("keys", ODD_PANELS, ids=range(len(ODD_PANELS)))
def test_an_unknown_panel_is_a_404_never_a_500(client, personas, keys):
    client.force_login(personas.case_manager.user)
    response = _together(client, {"panel": keys})
    assert response.status_code == 404
    assert not PanelSnapshot.objects.exists()  # nothing counted, nothing stored for it


@pytest.mark.parametrize("office", ODD_OFFICES)
def test_an_odd_office_is_the_whole_organization_never_a_500(client, personas, office):
    client.force_login(personas.case_manager.user)
    response = _together(client, {"panel": ["cases.caseload"], "office": office})
    assert response.status_code == 200
    assert '<th scope="row">caseworker</th>' in response.content.decode()
    # a value Django reads as a number (" 1", "१") may name one of home's offices: never another's
    assert all(r.office is None or r.office.organization == personas.org for r in PanelSnapshot.objects.all())
    assert PanelSnapshot.objects.get().organization == personas.org


def test_a_panel_repeated_is_counted_and_shown_once(client, personas, registry):
    calls = []
    caseload = registry._PANELS["cases.caseload"]

    def counted(scope):
        calls.append(scope)
        return caseload.compute(scope)

    registry.register(dataclasses.replace(caseload, compute=counted))
    client.force_login(personas.case_manager.user)
    keys = ["cases.caseload"] * 200 + ["nope.nothing", "", "referrals.states"] + ["cases.caseload"] * 200
    part = _together(client, {"panel": keys}).content.decode()
    assert part.count('id="panel-cases-caseload"') == 1 and part.count('hx-swap-oob="true"') == 1
    assert "One panel is ready." in part
    assert len(calls) == 1


def test_a_panel_the_role_may_not_see_is_neither_counted_nor_shown(client, personas, registry):
    """A panel registered for admins only: the case manager who names it gets the others, never it,
    and it is not counted for them (a panel is a read: counting it is reading it)."""
    seen = []

    def secret(scope):
        seen.append(scope)
        return PanelData(["Secret", "Count"], [["admins only", 7]])

    registry.register(
        Panel("tests.secret", "Secret panel", secret, allowed=lambda m: m.role == Role.ORG_ADMIN)
    )
    client.force_login(personas.case_manager.user)
    assert _together(client, {"panel": ["tests.secret"]}).status_code == 404
    part = _together(client, {"panel": ["tests.secret", "cases.caseload"]}).content.decode()
    assert "admins only" not in part and "Secret panel" not in part and 'id="panel-cases-caseload"' in part
    assert seen == []
    # every shared panel (no `panel` named): still not the one the role may not see
    part = _together(client, {}).content.decode()
    assert "admins only" not in part and seen == []
    # the admin counts it; the row now holds it; the case manager still never gets it
    client.force_login(personas.org_admin.user)
    assert "admins only" in _together(client, {"panel": ["tests.secret"]}).content.decode()
    client.force_login(personas.case_manager.user)
    assert "admins only" not in _together(client, {}).content.decode()
    assert "admins only" not in client.get(reverse("core:dashboard")).content.decode()


def test_an_office_bound_caseworker_gets_their_office_whatever_they_ask_and_fills_only_its_row(
    client, personas
):
    org = personas.org
    north_worker = f.make_office_bound_worker(org)
    north = north_worker.office
    client.force_login(personas.case_manager.user)
    whole = _together(client, {"panel": SHARED}).content.decode()  # the whole organization's row
    assert '<th scope="row">caseworker</th>' in whole
    whole_row = PanelSnapshot.objects.get(organization=org, office=None)
    before = (whole_row.panels, whole_row.computed_at)
    client.force_login(north_worker.user)
    hq = org.offices.get(code="HQ")
    foreign = personas.other_org.offices.first()
    for query in (
        {},
        {"office": hq.pk},
        {"office": foreign.pk},
        {"office": ""},
        {"office": [hq.pk, north.pk]},
    ):
        part = _together(client, {"panel": SHARED, **query}).content.decode()
        assert '<th scope="row">north</th>' in part, query
        assert '<th scope="row">caseworker</th>' not in part and "outsider" not in part, query
    whole_row.refresh_from_db()
    assert (whole_row.panels, whole_row.computed_at) == before
    assert sorted((r.organization_id, r.office_id or 0) for r in PanelSnapshot.objects.all()) == sorted(
        [(org.pk, 0), (org.pk, north.pk)]
    )


def test_the_outsider_naming_home_offices_one_by_one_gets_its_own_figures_and_no_row_of_home(
    client, personas
):
    f.make_case(personas.caseworker, given="Ana", family="Lungu")
    client.force_login(personas.outsider.user)
    for office in personas.org.offices.all():
        part = _together(client, {"panel": SHARED, "office": office.pk}).content.decode()
        assert '<th scope="row">caseworker</th>' not in part and '<th scope="row">outsider</th>' in part
    assert not PanelSnapshot.objects.filter(organization=personas.org).exists()
    assert not PanelSnapshot.objects.filter(office__organization=personas.org).exists()


@pytest.mark.parametrize("role", ["two_factor_pending", "enrolment_pending", "password_pending"])
def test_a_session_that_has_not_finished_signing_in_gets_no_panel_even_through_htmx(client, personas, role):
    sign_in(client, personas, role)
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = client.get(PANELS, {"panel": SHARED}, **headers)
        assert response.status_code in (302, 204)
        target = response.get("Location") or response.get("HX-Redirect")
        assert target.startswith("/accounts/"), target
        assert b"caseworker" not in response.content
    assert not PanelSnapshot.objects.exists()


def test_a_session_pointing_at_an_organization_the_user_is_not_a_member_of_gets_their_own(client, personas):
    from ctm.accounts.middleware import SESSION_ORG

    client.force_login(personas.case_manager.user)
    session = client.session
    session[SESSION_ORG] = personas.other_org.pk
    session.save()
    part = _together(client, {"panel": ["cases.caseload"]}).content.decode()
    assert '<th scope="row">caseworker</th>' in part and "outsider" not in part
    assert not PanelSnapshot.objects.filter(organization=personas.other_org).exists()


def test_an_inactive_membership_and_roles_without_the_views_are_refused(client, personas):
    for name in ("other_caseworker", "data_manager", "fund_reviewer", "auditor"):
        client.force_login(personas.membership(name).user)
        assert _together(client, {"panel": SHARED}).status_code == 403, name
    personas.case_manager.is_active = False
    personas.case_manager.save(update_fields=["is_active"])
    client.force_login(personas.case_manager.user)
    assert _together(client, {"panel": SHARED}).status_code == 403
    assert not PanelSnapshot.objects.exists()


def test_the_answer_is_never_cached_and_each_language_has_its_own_row(client, personas):
    client.force_login(personas.case_manager.user)
    french = _together(client, {"panel": ["cases.caseload"]}, HTTP_ACCEPT_LANGUAGE="fr")
    assert french["Cache-Control"] == "no-store"
    assert "Dossiers ouverts dont il ou elle est responsable" in french.content.decode()
    english = _together(client, {"panel": ["cases.caseload"]}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Open cases owned" in english and "Dossiers ouverts" not in english
    assert sorted(PanelSnapshot.objects.values_list("language", flat=True)) == ["en", "fr"]


def test_only_get(client, personas):
    client.force_login(personas.case_manager.user)
    for method in ("post", "put", "delete"):
        assert getattr(client, method)(PANELS + "?panel=cases.caseload").status_code in (403, 405)
    assert not PanelSnapshot.objects.exists()
