"""The receiving organization of a return, as a referral (issue 11: "the receiving organization in the
destination country (a referral)").

A caseworker links a return to a referral of the case — sent or accepted, to an organization in CTM
or a contact-directory entry in the destination country — or sends one from the return's page, the
recipient prefilled. The referral's own rules stay the referral app's: it needs a valid referral
consent naming the organization (a referral sent under the emergency override does not serve a
return), its states and answers are the receiving organization's. Linking locks the case, the return
and the referral in that order (the order of a consent withdrawal: the case, then the rest), so two
links at the same moment end in one (tests/concurrency/test_return_referral.py).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from ctm.core.errors import InvalidTransition
from ctm.core.models import Membership
from ctm.directory.models import SharedEntry
from ctm.referrals.domain.queries.access import consent_holds
from ctm.referrals.domain.referrals import send_referral
from ctm.referrals.enums import OPEN_STATES, RecipientKind, ReferralKind, ReferralState
from ctm.referrals.models import Referral
from ctm.referrals.phrases import NO_CONSENT
from ctm.reintegration.domain.common import lock, log_case, require_open, require_write
from ctm.reintegration.enums import SolutionStatus
from ctm.reintegration.models import DurableSolution

# A referral may serve a return while the receiving organization has not said no (sent), or said yes.
LINKABLE = frozenset({ReferralState.SENT, ReferralState.ACCEPTED, ReferralState.DELIVERED})
# A return whose receiving organization may still change: before the person has arrived.
UNDER_WAY = (SolutionStatus.PLANNED, SolutionStatus.APPROVED, SolutionStatus.DEPARTED)


def recipient_country(referral: Referral) -> str:
    """The country of the referral's recipient: the CTM organization's, or the directory entry's as it
    was when the referral was sent ("" for an outside organization named in free text)."""
    if referral.to_organization_id:
        return str(referral.to_organization.country)
    if referral.recipient_kind == RecipientKind.DIRECTORY:
        return str((referral.contact or {}).get("country", ""))
    return ""


def referral_candidates(solution: DurableSolution) -> list[Referral]:
    """The case's referrals that could serve this return (in its organization's scope)."""
    rows = (
        Referral.objects.filter(case_id=solution.case_id, kind=ReferralKind.REFERRAL, state__in=LINKABLE)
        .exclude(recipient_kind=RecipientKind.OTHER)
        .select_related("to_organization")
        .order_by("-sent_at", "-id")
    )
    return [r for r in rows if recipient_country(r) == solution.destination_country]


def _check(solution: DurableSolution, referral: Referral) -> None:
    """On the locked rows."""
    if referral.case_id != solution.case_id or referral.kind != ReferralKind.REFERRAL:
        raise InvalidTransition({"referral": _("Choose a referral of this case.")})
    if solution.status not in UNDER_WAY:
        raise InvalidTransition(
            _("This return is %(status)s: its receiving organization no longer changes.")
            % {"status": solution.get_status_display()}
        )
    if referral.state not in LINKABLE:
        raise InvalidTransition(
            {
                "referral": _("This referral is %(state)s: choose one sent or accepted.")
                % {"state": referral.get_state_display()}
            }
        )
    if referral.recipient_kind == RecipientKind.OTHER:
        raise InvalidTransition(
            {"referral": _("Choose a referral to an organization in CTM or in the contact directory.")}
        )
    if recipient_country(referral) != solution.destination_country:
        raise InvalidTransition(
            {
                "referral": _("The referral's organization is not in the destination country (%(country)s).")
                % {"country": solution.destination_country}
            }
        )
    if referral.consent_id is None or not consent_holds(referral):
        raise InvalidTransition(str(NO_CONSENT))
    current = solution.referral_id
    if current and current != referral.pk:
        linked = Referral.objects.filter(pk=current, state__in=OPEN_STATES).exists()
        if linked:
            raise InvalidTransition(
                _(
                    "This return already has an open referral to its receiving organization: withdraw it first."
                )
            )
    if current == referral.pk:
        raise InvalidTransition(_("This referral already serves this return."))


def link_referral(solution: DurableSolution, *, by: Membership, referral: Referral) -> DurableSolution:
    """The referral asks the receiving organization to receive the person on this return. The return's
    receiving organization becomes the referral's (a CTM organization, or its shared directory entry)."""
    case = solution.case
    require_write(by, case)
    with transaction.atomic():
        lock(case)
        lock(solution)
        lock(referral)
        require_open(case)
        _check(solution, referral)
        old = solution.referral_id
        solution.referral = referral
        solution.receiving_organization_id = referral.to_organization_id
        solution.receiving_contact = _shared_entry(referral)
        solution.save(update_fields=["referral", "receiving_organization", "receiving_contact", "updated_at"])
        log_case(
            "reintegration.solution.referral_linked",
            by,
            case,
            {
                "solution": solution.pk,
                "referral": [old, referral.pk],
                "referral_state": referral.state,
            },
        )
    return solution


def _shared_entry(referral: Referral) -> SharedEntry | None:
    ref = referral.directory_ref or ""
    if referral.to_organization_id or not ref.startswith("s") or not ref[1:].isdigit():
        return None  # a CTM organization, or a private entry (the referral names it)
    return SharedEntry.objects.filter(pk=int(ref[1:])).first()


def refer_for_return(solution: DurableSolution, *, by: Membership, data: dict[str, Any]) -> Referral:
    """Send a referral to the receiving organization from the return's page, and link it: both, or
    neither (a referral the return could not use — no consent naming the organization, another
    country — is not sent either)."""
    case = solution.case
    require_write(by, case)
    with transaction.atomic():
        lock(case)
        lock(solution)
        if solution.status not in UNDER_WAY:
            raise InvalidTransition(
                _("This return is %(status)s: its receiving organization no longer changes.")
                % {"status": solution.get_status_display()}
            )
        if data.get("recipient_kind") == RecipientKind.OTHER:
            raise InvalidTransition(
                {"recipient_kind": _("Choose an organization in CTM or in the contact directory.")}
            )
        # no emergency override here: a return is planned, and its referral needs the person's consent
        data = {**data, "kind": ReferralKind.REFERRAL, "emergency_reason": ""}
        referral = send_referral(case, by=by, data=data)
        link_referral(solution, by=by, referral=referral)
    return referral


def serving_returns(referral: Referral) -> list[DurableSolution]:
    """The returns this referral serves (read in a scope that holds the referral's organization)."""
    return list(DurableSolution.objects.filter(referral_id=referral.pk).order_by("-created_at"))
