"""A stage change the API refuses says why, one message a missing condition, on the `stage` field."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import World


def test_a_return_without_its_conditions_is_refused_with_the_reasons(world: World, as_: Any) -> None:
    response = as_("caseworker").post(f"/cases/{world.number}/stage", {"stage": "return"})
    assert response.status_code == 422, response.content
    reasons = response.json()["errors"]["stage"]
    assert any("voluntary return" in r for r in reasons)
    assert as_("caseworker").get(f"/cases/{world.number}").json()["stage"] != "return"
