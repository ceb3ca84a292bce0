"""`ctm demo`: every stage, three organizations in three countries, one user per role, reproducible."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction

from ctm.accounts.models import User
from ctm.cases.demo_data import DEMO_ORGS, MARGINALS_PATH, CaseSampler, ctdc_marginals, load_marginals
from ctm.cases.enums import ClosureReason, Stage
from ctm.cases.models import Case, Consent, Guardian
from ctm.core.domain.activity import verify_chain
from ctm.core.enums import Role
from ctm.core.models import Membership, Organization
from tests.conftest import as_in_production


class Rollback(Exception):
    pass


def run_demo(seed: int, cases: int = 60) -> tuple[list[tuple[str, str]], str]:
    out = io.StringIO()
    as_in_production(call_command, "demo", "--cases", str(cases), "--seed", str(seed), stdout=out)
    return list(Case.objects.order_by("number").values_list("number", "stage")), out.getvalue()


def test_demo_loads_every_stage_org_and_role(db):
    numbers, out = run_demo(7)

    assert len(numbers) == 60 + Organization.objects.count()  # and the case each transfer opened
    assert {stage for _n, stage in numbers} == set(Stage.values)
    orgs = Organization.objects.all()
    assert orgs.count() >= 3 and len({o.country for o in orgs}) >= 3
    for org in orgs:
        roles = set(Membership.objects.filter(organization=org).values_list("role", flat=True))
        assert roles == set(Role.values), org.code
        assert org.offices.count() == 2
    assert User.objects.filter(is_superuser=True).count() == 1
    user = User.objects.get(username="demo-case-manager-chi")
    assert user.check_password("ctm-demo-2026!")
    assert "demo-caseworker-chi" in out and "ctm-demo-2026!" in out
    closed = Case.objects.filter(stage=Stage.CLOSED)
    assert closed.exclude(closure_reason="").count() == closed.count() > 0
    assert set(closed.values_list("closure_reason", flat=True)) <= set(ClosureReason.values)
    assert Consent.objects.filter(withdrawn_on__isnull=False).exists()
    assert Guardian.objects.exists()  # minors have a guardian
    assert Case.objects.filter(is_minor=True).count() == Guardian.objects.values("case").distinct().count()
    assert verify_chain()[1] == []
    _directory_and_fund_are_filled()

    # Run again on the same database: nothing is added.
    again, out = run_demo(7)
    assert again == numbers and "already loaded" in out


def test_demo_is_reproducible(db):
    with pytest.raises(Rollback), transaction.atomic():
        first, _ = run_demo(11, cases=30)
        raise Rollback
    second, _ = run_demo(11, cases=30)
    assert first == second


def test_sampler_follows_the_ctdc_marginals():
    plans = CaseSampler(3).plans(1500)
    m = load_marginals()
    women = sum(p.person["gender"] == "Feminine" for p in plans) / len(plans)
    expected = m.counts["gender"]["Female"] / sum(m.counts["gender"].values())
    assert abs(women - expected) < 0.05
    stages = Counter(p.stage for p in plans)
    assert set(stages) == set(Stage.values)
    assert {p.org for p in plans} == {o.code for o in DEMO_ORGS}
    minors = sum(p.is_minor for p in plans) / len(plans)
    assert 0.15 < minors < 0.45  # about a third of assisted victims are minors


@pytest.mark.shared_data
def test_shipped_marginals_match_the_ctdc_file(ctdc_kanon_csv):
    shipped = load_marginals(MARGINALS_PATH).counts
    recomputed = {}
    for variable, value, count in ctdc_marginals(ctdc_kanon_csv):
        recomputed.setdefault(variable, {})[value] = count
    assert shipped == recomputed
    assert len(MARGINALS_PATH.read_text().splitlines()) < 300


def test_reset_refuses_postgresql_without_yes(monkeypatch):
    from types import SimpleNamespace

    from django.core.management import CommandError

    from ctm.cases.management.commands import demo

    fake = SimpleNamespace(DATABASES={"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "ctm"}})
    monkeypatch.setattr(demo, "settings", fake)
    flushed = []
    monkeypatch.setattr(demo, "call_command", lambda *a, **k: flushed.append(a))
    with pytest.raises(CommandError, match="--yes"):
        demo.Command().reset(yes=False)
    assert flushed == []
    demo.Command(stdout=io.StringIO()).reset(yes=True)
    assert flushed == [("flush",)]


def test_demo_includes_assistance_for_every_organization(db):
    from ctm.assistance.models import (
        AssistancePlan,
        RiskAssessment,
        ServiceRecord,
        Shelter,
        ShelterStay,
        Task,
    )

    run_demo(5, cases=90)
    for org in Organization.objects.all():
        assert Shelter.objects.filter(organization=org).count() == 2, org.code
        assert RiskAssessment.objects.filter(organization=org).exists(), org.code
        assert AssistancePlan.objects.filter(organization=org, status="approved").exists(), org.code
        assert ServiceRecord.objects.filter(organization=org, status="delivered").exists(), org.code
    assert ShelterStay.objects.exists() and Task.objects.filter(kind="high_risk_follow_up").exists()
    assert verify_chain()[1] == []
    _referrals_between_the_organizations()
    _a_return_asks_its_receiving_organization_through_a_referral()


def _a_return_asks_its_receiving_organization_through_a_referral():
    from ctm.reintegration.models import DurableSolution

    # every organization's tour shows a return whose receiving organization was asked by a referral
    # (each demo organization's home country has a reception entry in the directory)
    linked = DurableSolution.objects.filter(referral__isnull=False).select_related("referral")
    assert {s.organization.code for s in linked} == {o.code for o in Organization.objects.all()}
    assert all(s.referral.case_id == s.case_id for s in linked)


def _referrals_between_the_organizations():
    """Each organization sent and received referrals in every state; one went to the directory."""
    from ctm.assistance.models import Task
    from ctm.referrals.models import Referral

    for org in Organization.objects.all():
        sent = set(Referral.objects.filter(organization=org).values_list("state", flat=True))
        received = set(Referral.objects.filter(to_organization=org).values_list("state", flat=True))
        assert sent >= {"sent", "accepted", "declined", "closed"}, org.code
        assert received >= {"sent", "accepted", "declined", "closed"}, org.code
        assert Referral.objects.filter(organization=org, recipient_kind="directory").exists(), org.code
        # and one case handed over whole: closed as referred here, opened in the receiving organization
        transfer = Referral.objects.select_related("case", "received_case").get(organization=org, kind="transfer")
        assert transfer.state == "accepted" and transfer.case.status == "ClosedReferred", org.code
        assert transfer.received_case.organization_id == transfer.to_organization_id, org.code
    assert Task.objects.filter(kind="referral_answer", status="open").exists()


def _directory_and_fund_are_filled():
    """The directory has entries for every demo country; the fund reviewer has a queue."""
    from ctm.directory.models import PrivateEntry, SharedEntry
    from ctm.funds.domain.queries.requests import requests_for_user
    from ctm.funds.enums import RequestState

    assert {o.country for o in DEMO_ORGS} <= set(SharedEntry.objects.values_list("country", flat=True))
    assert SharedEntry.objects.filter(last_verified_on__isnull=False).count() == SharedEntry.objects.count()
    assert PrivateEntry.objects.count() == len(DEMO_ORGS)
    reviewer = Membership.objects.get(user__username="demo-fund-reviewer-bkk")
    queue = requests_for_user(reviewer)
    states = Counter(r.state for r in queue)
    assert states[RequestState.SUBMITTED] >= 2 and states[RequestState.IN_REVIEW] >= 2
    assert states[RequestState.DISBURSED] >= 1
    assert {r.organization.code for r in queue} == {o.code for o in DEMO_ORGS}


def test_an_interrupted_demo_leaves_nothing_and_the_next_run_loads_it(db, monkeypatch):
    """Stopped in its last step (the fund), the demo has loaded nothing: no half demo that the next
    run would take for a loaded one."""
    from ctm.funds.management.commands import demo_funds

    def stopped() -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(demo_funds, "load_fund_demo", stopped)
    with pytest.raises(KeyboardInterrupt):
        run_demo(3, cases=30)
    assert not Organization.objects.exists() and not Case.objects.exists()

    monkeypatch.undo()
    numbers, out = run_demo(3, cases=30)
    assert len(numbers) == 30 and "already loaded" not in out
    assert verify_chain()[1] == []


def test_demo_cases_are_written_with_few_statements(db):
    """A budget of statements per case written through the domain functions, the same for every
    case (185 before the write checks were answered once per case and the activity log stopped
    re-reading its head)."""
    per_case = (_statements_to_load(40) - _statements_to_load(0)) / 40
    assert per_case < 145, per_case


def _statements_to_load(cases: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ctm.cases.demo_data import load_demo

    with pytest.raises(Rollback), transaction.atomic(), CaptureQueriesContext(connection) as queries:
        as_in_production(load_demo, cases, 9)
        raise Rollback
    return len(queries)
