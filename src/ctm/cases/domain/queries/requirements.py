"""What a case still needs: the parts a caseworker must fill in (shown at the top of the case page) and
the conditions of a stage (a stage change is refused while one is missing, and the refusal names them).

Each missing thing names the part of the case that fills it (`part`: the URL name of its form in the
`cases` namespace, `anchor`: its section on the case page), so a page can link to it. Another app adds
a condition with `stage_requirement(stage)`; the register does not import it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from ctm.cases.domain.queries.consent import may
from ctm.cases.enums import ConsentScope, DecisionState, Stage, TraffickingStatus
from ctm.cases.models import BestInterestsAssessment, Case, EligibilityDecision
from ctm.core.errors import InvalidTransition


@dataclass(frozen=True)
class Missing:
    key: str  # the field a refusal is reported on, and a stable name for tests
    message: Any  # (lazy) translated: what is missing, in the caseworker's words
    part: str = ""  # the URL name (cases namespace) of the form that fills it
    anchor: str = ""  # its section on the case page

    @property
    def url_name(self) -> str:
        return f"cases:{self.part}"


Check = Callable[[Case], Missing | None]
_STAGE_CHECKS: dict[str, list[Check]] = {}


def stage_requirement(stage: str) -> Callable[[Check], Check]:
    """Declare a condition of entering `stage`: a function of the case, None when it is met."""

    def register(check: Check) -> Check:
        _STAGE_CHECKS.setdefault(stage, []).append(check)
        return check

    return register


def stages_with_conditions() -> list[str]:
    return list(_STAGE_CHECKS)


def missing_for_stage(case: Case, stage: str) -> list[Missing]:
    return [m for check in _STAGE_CHECKS.get(stage, []) if (m := check(case)) is not None]


class StageConditionsMissing(InvalidTransition):
    """A stage change refused: one message per missing condition, on the `stage` field; `missing`
    keeps what each one is and where it is filled in."""

    def __init__(self, missing: list[Missing]) -> None:
        super().__init__({"stage": [str(m.message) for m in missing]})
        self.missing = missing


def _approved_victim(case: Case) -> bool:
    victim = [TraffickingStatus.ACTUAL, TraffickingStatus.POSSIBLE]
    approved = EligibilityDecision.objects.filter(case=case, state=DecisionState.APPROVED)
    latest = approved.order_by("-decided_on", "-id").first()
    return latest is not None and latest.trafficking_status in victim


@stage_requirement(Stage.RETURN)
def _eligibility_for_return(case: Case) -> Missing | None:
    if _approved_victim(case):
        return None
    return Missing(
        "eligibility",
        _("An approved eligibility decision (actual or possible victim of trafficking)."),
        "eligibility",
        "#eligibility",
    )


@stage_requirement(Stage.RETURN)
def _consent_to_return(case: Case) -> Missing | None:
    if may(case, ConsentScope.RETURN):
        return None
    message = (
        _("The consent to a voluntary return, given with the guardian (the person is a minor).")
        if case.is_minor
        else _("The person's consent to a voluntary return, given and not withdrawn.")
    )
    return Missing("consent", message, "add_consent", "#consent")


@stage_requirement(Stage.RETURN)
def _best_interests_before_return(case: Case) -> Missing | None:
    if not case.is_minor or BestInterestsAssessment.objects.filter(case=case).exists():
        return None
    return Missing(
        "best_interests",
        _("A best-interests assessment (the person is a minor)."),
        "add_best_interests",
        "#minor",
    )


def missing_parts(case: Case, page: dict[str, Any]) -> list[Missing]:
    """The parts every open case needs, from what the case page already read (`page`). Shown at the top of the page, each linked to its form."""
    if case.is_closed:
        return []
    out = []
    if page.get("screening") is None:
        out.append(Missing("screening", _("Screening interview"), "screening", "#screening"))
    if not page.get("decisions"):
        out.append(Missing("eligibility", _("Eligibility decision"), "eligibility", "#eligibility"))
    if page.get("context") is None:
        out.append(Missing("context", _("Victim context"), "context", "#context"))
    scopes = {c.scope for c in page.get("consents", []) if c.withdrawn_on is None}
    if ConsentScope.PROCESSING not in scopes:
        out.append(
            Missing("consent", _("Consent to the processing of personal data"), "add_consent", "#consent")
        )
    if case.is_minor and not page.get("guardians"):
        out.append(Missing("guardian", _("Guardian of the minor"), "add_guardian", "#minor"))
    return out
