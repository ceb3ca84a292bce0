"""The manager views: every panel counts the member's organization only (and one office for an
office-bound role), each table has its chart and CSV, the list of panels is open to other apps, and
the page's queries do not grow with the number of cases."""

from __future__ import annotations

import csv
import datetime
import io
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ctm.assistance.domain.services import change_service_status, record_service
from ctm.assistance.domain.work import raise_task
from ctm.assistance.enums import TaskKind
from ctm.cases.domain.cases import change_stage
from ctm.cases.models import Case
from ctm.core.enums import CaseworkerScope, Role
from ctm.core.models import Office
from ctm.core.panels import Panel, PanelData, register, registered
from tests import factories as f

pytestmark = pytest.mark.django_db


def _panel(client, key, **query):
    response = client.get(reverse("core:dashboard_csv", args=[key]), query)
    assert response.status_code == 200, response.content[:500]
    return list(csv.reader(io.StringIO(response.content.decode())))


def _deliver(case, by, kind="medical"):
    service = record_service(
        case, by=by, data={"support_type": kind, "provider_kind": "own", "status": "planned"}
    )
    return change_service_status(service, by=by, status="delivered")


def test_every_panel_shows_a_table_a_chart_and_a_csv(client, personas):
    _deliver(personas.case, personas.caseworker)
    raise_task(
        personas.case,
        kind=TaskKind.PLAN_APPROVAL,
        on=timezone.localdate() - datetime.timedelta(days=30),
        role=Role.CASE_MANAGER,
    )
    client.force_login(personas.case_manager.user)
    page = client.get(reverse("core:dashboard")).content.decode()
    for key in ("cases.caseload", "cases.offices", "cases.stages", "assistance.services", "assistance.tasks"):
        assert key in registered()
        assert reverse("core:dashboard_csv", args=[key]) in page
        assert reverse("core:dashboard_chart", args=[key]) in page
        chart = client.get(reverse("core:dashboard_chart", args=[key]))
        assert chart.status_code == 200 and chart.content.startswith(b"\x89PNG"), key
    assert "Petrova" not in page and personas.case.number not in page  # counts, never a person
    assert _panel(client, "cases.caseload")[1] == ["caseworker", "1", "0"]
    assert _panel(client, "assistance.tasks")[1][:2] == ["Assistance plan to approve", "1"]
    month = timezone.localdate().strftime("%Y-%m")
    services = _panel(client, "assistance.services")
    assert services[0][1:] == ["Medical care", "Total"]
    assert next(r for r in services if r[0] == month)[1:] == ["1", "1"]


def test_age_in_stage_counts_from_the_day_the_case_entered_it(client, personas):
    change_stage(personas.case, by=personas.caseworker, stage="assistance")
    Case.objects.filter(pk=personas.case.pk).update(
        stage_since=timezone.localdate() - datetime.timedelta(days=40)
    )
    other = f.make_case(personas.caseworker, given="Ana", family="Lungu")
    assert other.stage_since == other.opened_on
    client.force_login(personas.case_manager.user)
    rows = {r[0]: r[1:] for r in _panel(client, "cases.stages")}
    assert rows["Assistance"] == ["0", "1", "0", "0", "1"]  # 30–89 days
    assert rows["Screening"][-1] == "1"


def test_another_organization_is_never_counted(client, personas):
    """The outsider's dashboard: its own case only, never home's (which is there to be counted)."""
    _deliver(personas.case, personas.caseworker)
    client.force_login(personas.outsider.user)
    caseload = _panel(client, "cases.caseload")
    assert caseload[1:] == [["outsider", "1", "0"]]
    assert _panel(client, "assistance.services")[1:] == []
    body = client.get(reverse("core:dashboard")).content.decode()
    assert '<th scope="row">caseworker</th>' not in body and '<th scope="row">outsider</th>' in body


def test_an_office_bound_caseworker_sees_their_office_only(client, personas):
    org = personas.org
    north_worker = f.make_office_bound_worker(org)
    client.force_login(north_worker.user)
    assert _panel(client, "cases.offices")[1:] == [["North office", "1", "0"]]
    # asking for another office changes nothing: the binding wins
    assert _panel(client, "cases.caseload", office=org.offices.get(code="HQ").pk)[1:] == [["north", "1", "0"]]
    # a caseworker who sees only their own cases has no dashboard
    client.force_login(personas.other_caseworker.user)
    org.caseworker_scope = CaseworkerScope.OWN
    org.save(update_fields=["caseworker_scope"])
    assert client.get(reverse("core:dashboard")).status_code == 403


def test_a_manager_chooses_an_office_and_a_strange_office_is_a_field_error(client, personas):
    north = Office.objects.create(organization=personas.org, name="North office", code="N", country="MD")
    client.force_login(personas.case_manager.user)
    assert _panel(client, "cases.offices", office=north.pk)[1:] == []
    assert len(_panel(client, "cases.offices")[1:]) == 1
    foreign = personas.other_org.offices.first().pk
    response = client.get(reverse("core:dashboard"), {"office": foreign})
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert _panel(client, "cases.offices", office=foreign)[1][1] == "1"  # ignored: the whole organization
    assert client.get(reverse("core:dashboard_csv", args=["nope.nothing"])).status_code == 404


def test_a_csv_cell_that_looks_like_a_formula_is_neutralized(client, personas):
    f.make_member(personas.org, Role.CASEWORKER, "=cmd")
    evil = personas.org.memberships.get(user__username="=cmd")
    f.make_case(evil, given="X", family="Y")
    client.force_login(personas.case_manager.user)
    names = [r[0] for r in _panel(client, "cases.caseload")[1:]]
    assert "'=cmd" in names and "=cmd" not in names


def test_another_app_registers_a_panel(client, personas):
    """What the referrals and reintegration apps will do: a panel of their own, with its own rule."""
    seen = []

    def compute(scope):
        seen.append(scope)
        return PanelData(["Thing", "Count"], [["sent", 2]])

    register(
        Panel("tests.extra", "Extra panel", compute, order=5, allowed=lambda m: m.role == Role.ORG_ADMIN)
    )
    try:
        client.force_login(personas.case_manager.user)
        assert "Extra panel" not in client.get(reverse("core:dashboard")).content.decode()
        assert client.get(reverse("core:dashboard_csv", args=["tests.extra"])).status_code == 404
        client.force_login(personas.org_admin.user)
        assert "Extra panel" in client.get(reverse("core:dashboard")).content.decode()
        assert _panel(client, "tests.extra") == [["Thing", "Count"], ["sent", "2"]]
        assert (
            client.get(reverse("core:dashboard_chart", args=["tests.extra"])).status_code == 404
        )  # no chart
        assert {s.organization_id for s in seen} == {personas.org.pk}
    finally:
        from ctm.core import panels

        panels._PANELS.pop("tests.extra", None)


def test_the_page_does_not_query_more_with_more_cases(client, personas):
    client.force_login(personas.case_manager.user)
    client.get(reverse("core:dashboard"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("core:dashboard"))
    for given in ("Ana", "Ion"):
        case = f.make_case(personas.other_caseworker, given=given, family="Z")
        _deliver(case, personas.other_caseworker, kind="legal")
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("core:dashboard"))
    assert len(three) == len(one)


def test_the_tasks_panel_counts_the_open_tasks_of_open_cases_of_the_organization(client, personas):
    """The panel reads which cases are open its own way (ids from the index of open cases): it must
    count what `open_tasks` means, neither a closed case's waiting task nor another organization's."""
    from ctm.assistance.domain.queries.work import open_tasks
    from ctm.assistance.models import Task

    due = timezone.localdate() - datetime.timedelta(days=3)
    closed = f.make_case(personas.caseworker, given="Ana", family="Lungu")
    theirs = f.make_case(personas.other_caseworker, given="Ion", family="Z")
    for case in (personas.case, closed, theirs):
        raise_task(case, kind=TaskKind.PLAN_APPROVAL, on=due, role=Role.CASE_MANAGER)
    Case.objects.filter(pk=closed.pk).update(status="Closed")  # its tasks wait: not counted
    assert Task.objects.filter(case=closed, status="open").exists()

    def counted(member):
        client.force_login(member.user)
        return sum(int(row[-1]) for row in _panel(client, "assistance.tasks")[1:])

    expected = open_tasks().filter(organization=personas.org).count()
    assert counted(personas.case_manager) == expected
    assert (
        expected == Task.objects.filter(organization=personas.org, status="open").exclude(case=closed).count()
    )
    Case.objects.filter(pk=closed.pk).update(status="FollowUp")  # reopened: its tasks count again
    assert counted(personas.org_admin) == open_tasks().filter(organization=personas.org).count() > expected


def test_the_case_panels_counted_together_read_the_open_cases_once(personas):
    """Caseload per caseworker, per office and the stages come from one read of the open cases when
    they are counted together (a first visit's request, the refresh job); alone, each reads them."""
    from ctm.cases.domain.queries import dashboard as case_panels
    from ctm.core.panels import PanelScope, compute_all

    f.make_case(personas.other_caseworker, given="Ana", family="Z")  # the outsider's: not counted
    scope = PanelScope(personas.org.pk, None, timezone.localdate(), personas.case_manager)
    with CaptureQueriesContext(connection) as together:
        computed = compute_all(scope)
    sqls = [q["sql"] for q in together.captured_queries]
    reads = [s for s in sqls if 'FROM "cases_case"' in s and "assistance_task" not in s]  # not the tasks'
    assert len(reads) == 2, reads  # the open cases grouped once, and the assigned ones
    for key, compute in (
        ("cases.caseload", case_panels.caseload_per_caseworker),
        ("cases.offices", case_panels.caseload_per_office),
        ("cases.stages", case_panels.cases_by_stage_and_age),
    ):
        assert compute(PanelScope(personas.org.pk, None, scope.today, personas.case_manager)) == computed[key]
    people = [r[0] for r in computed["cases.caseload"].rows]
    assert "caseworker" in people and "outsider" not in people
    assert sum(r[1] for r in computed["cases.offices"].rows) == sum(
        r[-1] for r in computed["cases.stages"].rows
    )


def _old_bands(org, today):
    """The age bands as the panel counted them before `open_case_counts` (two comparisons each, the
    last with the days not recorded): the reference the new counting must equal."""
    from django.db.models import Count, Q

    from ctm.cases.domain.queries.dashboard import AGE_BANDS, OPEN_STAGES

    def band(lo, hi):
        q = Q(stage_since__lte=today - datetime.timedelta(days=lo))
        if hi is None:
            return q | Q(stage_since__isnull=True)
        return q & Q(stage_since__gt=today - datetime.timedelta(days=hi))

    found = {
        r["stage"]: r
        for r in Case.objects.filter(organization=org)
        .exclude(status__in=["Closed", "ClosedReferred"])
        .values("stage")
        .annotate(**{f"b{k}": Count("id", filter=band(lo, hi)) for k, (lo, hi) in enumerate(AGE_BANDS)})
    }
    return {s: [found.get(s, {}).get(f"b{k}", 0) for k in range(len(AGE_BANDS))] for s in OPEN_STAGES}


def test_the_age_bands_equal_the_two_sided_counts_on_their_edges(personas):
    """Each band is counted as the difference of two "entered after day X" counts: on every edge day,
    a day not recorded, a day to come and a closed case, the same figures as two comparisons each."""
    from ctm.cases.domain.queries import dashboard as case_panels
    from ctm.core.panels import PanelScope

    today = timezone.localdate()
    ages = [0, 1, 29, 30, 31, 89, 90, 91, 179, 180, 181, 400, None, -1, -30]
    for k, age in enumerate(ages):
        case = f.make_case(personas.caseworker, given=f"A{k}", family="Edge")
        since = None if age is None else today - datetime.timedelta(days=age)
        Case.objects.filter(pk=case.pk).update(stage_since=since, stage=["screening", "assistance"][k % 2])
    closed = f.make_case(personas.caseworker, given="Closed", family="Edge")
    Case.objects.filter(pk=closed.pk).update(status="Closed", stage_since=today)
    rows = case_panels.cases_by_stage_and_age(
        PanelScope(personas.org.pk, None, today, personas.case_manager)
    ).rows
    labels = dict(case_panels.Stage.choices)
    expected = _old_bands(personas.org, today)
    assert {r[0]: r[1:-1] for r in rows} == {str(labels[s]): v for s, v in expected.items()}
    assert (
        sum(r[-1] for r in rows)
        == Case.objects.filter(organization=personas.org).exclude(status="Closed").count() - 2
    )


def test_the_open_cases_are_grouped_with_one_comparison_per_band_and_no_converter(personas):
    """The shared read of the open cases (4,000 groups for the largest bench organization): each age
    band one `stage_since >` comparison (no OR, no two-sided range), and its rows taken as the
    database gives them, without Django's converter call per value."""
    from django.db.models.sql.compiler import SQLCompiler

    from ctm.cases.domain.queries import dashboard as case_panels
    from ctm.core.panels import PanelScope

    scope = PanelScope(personas.org.pk, None, timezone.localdate(), personas.case_manager)
    converted = []
    real = SQLCompiler.apply_converters

    def spy(compiler, rows, converters):
        converted.append(compiler.query.model)
        return real(compiler, rows, converters)

    with mock.patch.object(SQLCompiler, "apply_converters", spy), CaptureQueriesContext(connection) as q:
        case_panels.cases_by_stage_and_age(scope)
    grouped = [x["sql"] for x in q.captured_queries if 'FROM "cases_case"' in x["sql"]]
    assert len(grouped) == 1
    assert grouped[0].count('"stage_since" >') == len(case_panels.AGE_BANDS)
    assert " OR " not in grouped[0] and "IS NULL" not in grouped[0] and '"stage_since" <' not in grouped[0]
    assert Case not in converted


def test_the_case_panels_refuse_outside_a_scope(personas):
    """The shared read runs the tenant manager's own SQL: with no organization in scope, it raises."""
    from ctm.cases.domain.queries import dashboard as case_panels
    from ctm.core.panels import PanelScope
    from ctm.core.scopes import ScopeError, no_scope

    with no_scope(), pytest.raises(ScopeError):
        case_panels.caseload_per_office(PanelScope(personas.org.pk, None, timezone.localdate(), None))


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN of PostgreSQL's plans")
def test_the_panels_read_indexes_on_postgresql(personas):
    """With sequential scans priced out, no panel's query reads a whole case, service or task table:
    each is served by an index (the bench prints the same plans at 200,000 cases)."""
    from ctm.assistance.domain.queries import dashboard as assistance_panels
    from ctm.cases.domain.queries import dashboard as case_panels
    from ctm.core.panels import PanelScope

    scope = PanelScope(personas.org.pk, None, timezone.localdate(), personas.case_manager)
    plans = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        with CaptureQueriesContext(connection) as queries:
            for compute in (
                case_panels.caseload_per_caseworker,
                case_panels.caseload_per_office,
                case_panels.cases_by_stage_and_age,
                assistance_panels.services_by_type_and_month,
                assistance_panels.tasks_due,
            ):
                compute(scope)
        with connection.cursor() as cursor:
            for q in queries.captured_queries:
                cursor.execute("EXPLAIN " + q["sql"])
                plans.append("\n".join(r[0] for r in cursor.fetchall()))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = on")
    for table in ("cases_case", "assistance_servicerecord", "assistance_task"):
        assert not [p for p in plans if f"Seq Scan on {table}" in p], table


def test_the_api_gives_the_same_tables_for_the_members_organization(client, personas):
    from ctm.accounts.domain.auth import create_api_token

    _t, raw = create_api_token(personas.case_manager, name="t", by=personas.case_manager.user)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    panels = client.get("/api/v1/dashboard", **auth).json()
    assert {p["key"] for p in panels} >= {"cases.caseload", "cases.stages", "assistance.tasks"}
    caseload = client.get("/api/v1/dashboard/cases.caseload", **auth).json()
    assert caseload["rows"] == [["caseworker", 1, 0]] and caseload["office"] is None
    foreign = personas.other_org.offices.first().pk
    assert client.get("/api/v1/dashboard", {"office": foreign}, **auth).status_code == 422
    assert client.get("/api/v1/dashboard/nope", **auth).status_code == 404
