"""Writes on organizations, offices and memberships (platform admins and organization admins)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ctm.core.domain.activity import record
from ctm.core.errors import InvalidTransition, NotAllowed
from ctm.core.models import Membership, Office, Organization
from ctm.core.rules import can_manage_users

ORG_SETTINGS = ["name", "org_type", "country", "require_two_factor", "caseworker_scope"]


def _require_platform_admin(user: Any) -> None:
    if not getattr(user, "is_superuser", False):
        raise NotAllowed(_("Only a platform admin may do this."))


def _require_org_admin(by: Any, organization: Organization) -> None:
    if not can_manage_users(by) or by.organization_id != organization.pk:
        raise NotAllowed(_("Only an admin of this organization may do this."))


def create_organization(*, by: Any, data: dict[str, Any], office: dict[str, Any]) -> Organization:
    _require_platform_admin(by)
    with transaction.atomic():
        org = Organization.objects.create(**data)
        Office.objects.create(organization=org, **office)
        record("core.organization.created", actor=by, organization=org, obj=org, label=org.code)
    return org


def update_organization(organization: Organization, *, by: Any, data: dict[str, Any]) -> Organization:
    _require_org_admin(by, organization)
    with transaction.atomic():
        changes = {}
        for key in ORG_SETTINGS:
            if key in data and getattr(organization, key) != data[key]:
                changes[key] = [getattr(organization, key), data[key]]
                setattr(organization, key, data[key])
        if changes:
            organization.save(update_fields=list(changes))
            record(
                "core.organization.updated",
                actor=by.user,
                organization=organization,
                obj=organization,
                label=organization.code,
                changes=changes,
            )
    return organization


def add_office(organization: Organization, *, by: Any, data: dict[str, Any]) -> Office:
    _require_org_admin(by, organization)
    if Office.objects.filter(organization=organization, code=data["code"]).exists():
        raise InvalidTransition({"code": _("This code is already used by another office.")})
    with transaction.atomic():
        office = Office.objects.create(organization=organization, **data)
        record("core.office.created", actor=by.user, organization=organization, obj=office, label=office.code)
    return office


def member_username(organization: Organization, name: str) -> str:
    """The organization's namespace for the usernames its admin creates: `name.code` (e.g. olga.chi).

    An admin can then only ever collide with a name of their own organization, so the add-member
    form reveals nothing about the usernames of other organizations.
    """
    suffix = f".{organization.code.lower()}"
    name = name.strip()
    return name if name.lower().endswith(suffix) else f"{name}{suffix}"


def add_member(
    organization: Organization, *, by: Any, username: str, password: str, role: str, office: Any = None
) -> Membership:
    """Create a new user account `username.code` with a membership in the admin's organization.

    The admin knows the initial password, so the person must choose their own at the first login.
    """
    _require_org_admin(by, organization)
    User = get_user_model()
    username = member_username(organization, username)
    if len(username) > 150:
        raise InvalidTransition({"username": _("This username is too long.")})
    if User.objects.filter(username__iexact=username).exists():
        raise InvalidTransition(
            {"username": _("%(name)s is already used in your organization. Choose another one.") % {"name": username}}
        )
    if office is not None and office.organization_id != organization.pk:
        raise NotAllowed(_("That office belongs to another organization."))
    user = User(username=username)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidTransition({"password": list(getattr(exc, "messages", [str(exc)]))}) from exc
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = True
        user.save()
        membership = Membership.objects.create(user=user, organization=organization, role=role, office=office)
        record(
            "core.membership.created",
            actor=by.user,
            organization=organization,
            obj=membership,
            label=username,
            changes={"role": [None, role]},
        )
    return membership


def change_membership(
    membership: Membership, *, by: Any, role: str, office: Any, is_active: bool
) -> Membership:
    organization = membership.organization
    _require_org_admin(by, organization)
    if office is not None and office.organization_id != organization.pk:
        raise NotAllowed(_("That office belongs to another organization."))
    if membership.pk == by.pk and (not is_active or role != membership.role):
        raise InvalidTransition(_("You cannot change your own role or deactivate yourself."))
    with transaction.atomic():
        old = {"role": membership.role, "office": membership.office_id, "is_active": membership.is_active}
        membership.role, membership.office, membership.is_active = role, office, is_active
        membership.save(update_fields=["role", "office", "is_active"])
        new = {"role": role, "office": getattr(office, "pk", None), "is_active": is_active}
        changes = {k: [old[k], new[k]] for k in old if old[k] != new[k]}
        record(
            "core.membership.changed",
            actor=by.user,
            organization=organization,
            obj=membership,
            label=membership.user.username,
            changes=changes,
        )
    return membership
