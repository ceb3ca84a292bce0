"""Retention rules: an organization admin edits their own organization's rule, nobody else does."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from ctm.core.domain import retention
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import ActivityLog, RetentionRule
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = reverse("core:retention")


def test_defaults_without_a_rule(personas):
    rule = retention.retention_rule_for(personas.org)
    assert rule.pk is None and rule.years_after_closure == 10 and rule.require_export and rule.keep_statistics


def test_org_admin_sets_the_rule_on_the_page(client, personas):
    client.force_login(personas.org_admin.user)
    page = client.get(URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert (
        'for="id_years_after_closure"' in body
        and 'aria-describedby="id_years_after_closure_helptext"' in body
    )
    r = client.post(URL, {"years_after_closure": "7", "require_export": "on"})
    assert r.status_code == 302 and r["Location"] == URL
    rule = RetentionRule.objects.get(organization=personas.org)
    assert (rule.years_after_closure, rule.require_export, rule.keep_statistics) == (7, True, False)
    assert rule.updated_by == personas.org_admin.user
    entry = ActivityLog.objects.get(action="core.retention_rule.updated")
    assert entry.organization == personas.org and entry.changes["years_after_closure"] == [None, 7]
    assert "7" in client.get(URL).content.decode()


def test_invalid_years_are_a_field_error(client, personas):
    client.force_login(personas.org_admin.user)
    r = client.post(URL, {"years_after_closure": "0"})
    assert r.status_code == 400 and 'id="error-summary"' in r.content.decode()
    assert not RetentionRule.objects.exists()


def test_unchanged_rule_writes_no_entry(personas):
    data = {"years_after_closure": 5, "require_export": True, "keep_statistics": True}
    retention.update_retention_rule(personas.org, by=personas.org_admin, data=data)
    retention.update_retention_rule(personas.org, by=personas.org_admin, data=data)
    assert ActivityLog.objects.filter(action="core.retention_rule.updated").count() == 1


@pytest.mark.parametrize(
    "role", ["caseworker", "case_manager", "data_manager", "fund_reviewer", "auditor", "outsider"]
)
def test_other_roles_may_not_see_or_change_the_rule(client, personas, role):
    client.force_login(getattr(personas, role).user)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"years_after_closure": "1"}).status_code == 403
    assert not RetentionRule.objects.exists()


def test_another_organizations_admin_changes_only_their_own(client, personas):
    other_admin = f.make_member(personas.other_org, "org_admin", "otheradmin")
    RetentionRule.objects.create(organization=personas.org, years_after_closure=12)
    client.force_login(other_admin.user)
    body = client.get(URL).content.decode()
    assert personas.org.name not in body and personas.other_org.name in body
    client.post(URL, {"years_after_closure": "3"})
    assert RetentionRule.objects.get(organization=personas.org).years_after_closure == 12
    assert RetentionRule.objects.get(organization=personas.other_org).years_after_closure == 3
    with pytest.raises(NotAllowed):
        retention.update_retention_rule(personas.org, by=other_admin, data={"years_after_closure": 1})
    with pytest.raises(NotAllowed):
        retention.update_retention_rule(
            personas.org, by=personas.case_manager, data={"years_after_closure": 1}
        )
    with pytest.raises(InvalidTransition):
        retention.update_retention_rule(personas.org, by=personas.org_admin, data={"years_after_closure": 0})


def test_cutoff_counts_calendar_years():
    rule = RetentionRule(years_after_closure=10)
    assert retention.erasure_cutoff(rule, datetime.date(2026, 3, 1)) == datetime.date(2016, 3, 1)
    assert retention.minus_years(datetime.date(2028, 2, 29), 1) == datetime.date(2027, 2, 28)
