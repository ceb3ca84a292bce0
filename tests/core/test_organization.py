"""Organization admins manage users, roles, offices and settings of their own organization only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ctm.core.domain import organizations as org_domain
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import ActivityLog, Membership, Organization

pytestmark = pytest.mark.django_db


def test_org_admin_adds_a_user_who_can_then_log_in(client, personas):
    client.force_login(personas.org_admin.user)
    r = client.post(
        reverse("core:new_member"),
        {"username": "newcw", "password": "a-long-enough-passphrase", "role": "caseworker"},
    )
    assert r.status_code == 302
    m = Membership.objects.get(user__username="newcw.chi")  # the organization's namespace
    assert m.organization == personas.org and m.role == "caseworker"
    assert ActivityLog.objects.filter(action="core.membership.created").exists()
    client.logout()
    r = client.post(
        reverse("accounts:login"), {"username": "newcw.chi", "password": "a-long-enough-passphrase"}, follow=True
    )
    # the admin knew the initial password: the person chooses their own before anything else
    assert r.redirect_chain[-1][0].startswith("/accounts/password/")
    assert client.get(reverse("cases:list"))["Location"].startswith("/accounts/password/")


def test_weak_password_and_taken_username_are_field_errors(client, personas):
    client.force_login(personas.org_admin.user)
    client.post(
        reverse("core:new_member"),
        {"username": "twin", "password": "a-long-enough-passphrase", "role": "caseworker"},
    )
    r = client.post(
        reverse("core:new_member"), {"username": "twin", "password": "short", "role": "caseworker"}
    )
    assert r.status_code == 400
    body = r.content.decode()
    assert "twin.chi is already used in your organization" in body


def test_org_admin_cannot_touch_another_organization(personas):
    with pytest.raises(NotAllowed):
        org_domain.change_membership(
            personas.outsider, by=personas.org_admin, role="auditor", office=None, is_active=True
        )
    with pytest.raises(NotAllowed):
        org_domain.update_organization(
            personas.other_org, by=personas.org_admin, data={"require_two_factor": True}
        )


def test_org_admin_cannot_demote_themselves(personas):
    with pytest.raises(InvalidTransition):
        org_domain.change_membership(
            personas.org_admin, by=personas.org_admin, role="caseworker", office=None, is_active=True
        )


def test_deactivated_member_loses_access(client, personas):
    org_domain.change_membership(
        personas.caseworker, by=personas.org_admin, role="caseworker", office=None, is_active=False
    )
    client.force_login(personas.caseworker.user)
    assert client.get(reverse("cases:detail", args=[personas.case.number])).status_code == 403


def test_office_scope_widens_caseworker_view(client, personas):
    org_domain.update_organization(personas.org, by=personas.org_admin, data={"caseworker_scope": "office"})
    client.force_login(personas.other_caseworker.user)
    assert client.get(reverse("cases:detail", args=[personas.case.number])).status_code == 200


def test_platform_admin_creates_an_organization(client, personas):
    client.force_login(personas.platform_admin)
    r = client.post(
        reverse("core:platform_organizations"),
        {
            "name": "Shelter Lagos",
            "code": "SHL",
            "org_type": "NGO",
            "country": "NG",
            "office_name": "Lagos",
            "office_code": "LOS",
        },
    )
    assert r.status_code == 302
    assert Organization.objects.get(code="SHL").offices.count() == 1
