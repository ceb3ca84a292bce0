"""The API takes JSON as JSON means it: a date is "YYYY-MM-DD" (never `0`, which was 1970-01-01), a
number is not text, a boolean is not `1`; dates before the case's own are refused; a PATCH that
changes nothing leaves the version (and the log) alone."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from ctm.cases.models import Case
from ctm.core.models import ActivityLog
from ctm.reintegration.enums import ClosureCheck
from tests.api.conftest import World

CHECKS = list(ClosureCheck.values)


@pytest.mark.parametrize("closed_on", [0, 1_700_000_000, "0", "2026-01-01T00:00:00", True])
def test_a_date_that_is_not_a_date_is_refused(world: World, as_: Any, closed_on: Any) -> None:
    response = as_("caseworker").post(
        f"/cases/{world.number}/close", {"reason": "plan_completed", "closed_on": closed_on, "checks": CHECKS}
    )
    assert response.status_code == 422, response.content
    case = Case.objects.get(number=world.number)
    assert not case.is_closed and case.closed_on is None


def test_a_case_cannot_close_before_it_opened(world: World, as_: Any) -> None:
    from tests import factories as f

    case = f.make_case(world.personas.caseworker, given="Petru", family="Cebotari")  # nothing open on it
    response = as_("caseworker").post(
        f"/cases/{case.number}/close",
        {"reason": "plan_completed", "closed_on": "2000-01-01", "checks": CHECKS},
    )
    assert response.status_code == 422, response.content
    assert "closed_on" in response.json()["errors"]
    assert Case.objects.get(pk=case.pk).closed_on is None
    assert case.opened_on > datetime.date(2000, 1, 1)


@pytest.mark.parametrize(
    "body",
    [
        {"version": "1"},
        {"version": 1, "high_risk": 1},
        {"version": 1, "high_risk": "true"},
        {"version": 1, "office": "1"},
        {"version": 1.5},
    ],
)
def test_numbers_and_booleans_are_not_text(world: World, as_: Any, body: dict[str, Any]) -> None:
    response = as_("caseworker").patch(f"/cases/{world.number}", body)
    assert response.status_code == 422, response.content


def test_codes_are_exact(world: World, as_: Any) -> None:
    caller = as_("caseworker")
    response = caller.patch(f"/cases/{world.number}/person", {"version": 1, "citizenships": ["md"]})
    assert response.status_code == 422, response.content
    assert caller.get("/cases", citizenship="md").status_code == 422


def test_a_patch_that_changes_nothing_keeps_the_version(world: World, as_: Any) -> None:
    caller = as_("caseworker")
    case = caller.get(f"/cases/{world.number}").json()
    before = ActivityLog.objects.count()
    same = {"version": case["version"], "high_risk": case["high_risk"], "sensitive": case["sensitive"]}
    response = caller.patch(f"/cases/{world.number}", same)
    assert response.status_code == 200, response.content
    assert response.json()["version"] == case["version"]
    assert not ActivityLog.objects.filter(action="cases.case.updated").exists()
    assert ActivityLog.objects.count() - before <= 1  # at most the read of the answer
    person = caller.get(f"/cases/{world.number}/person").json()
    unchanged = caller.patch(
        f"/cases/{world.number}/person", {"version": person["version"], "given_name": person["given_name"]}
    )
    assert unchanged.status_code == 200 and unchanged.json()["version"] == person["version"]
    # a stale version is still a conflict, even for a save that would change nothing
    stale = caller.patch(f"/cases/{world.number}", {**same, "version": case["version"] + 5})
    assert stale.status_code == 409
