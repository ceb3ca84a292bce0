"""Every release method runs, from every source, with the release form's default values: what a user who
changes nothing gets. (A k-anonymous release of our own cases once failed with the defaults: the research
view's integer years met the engine's string hierarchies.)"""

from __future__ import annotations

from typing import Any

import pytest

from ctm.privacy.domain.queries.research_view import research_view
from ctm.privacy.interfaces.forms import ReleaseForm
from ctm.privacy.models import Release
from tests.privacy_platform.objects import ctdc_csv, post_new, research_cases

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
CASES = 24  # the demo's size: a few dozen consenting cases


def defaults(membership: Any) -> dict[str, Any]:
    """The values the new-release page shows before the user touches anything."""
    form = ReleaseForm(membership=membership)
    values = {name: field.initial for name, field in form.fields.items() if field.initial is not None}
    return {k: v for k, v in values.items() if k not in ("file", "domain_file")}


@pytest.mark.parametrize("method", ["kanon", "synthetic"])
@pytest.mark.parametrize("source", ["cases", "upload"])
def test_every_method_runs_from_every_source_with_the_default_values(dm, personas, method, source) -> None:
    research_cases(personas.caseworker, CASES)
    data = {**defaults(personas.data_manager), "method": method, "source": source, "label": f"{method} {source}"}
    file_bytes = None
    if source == "upload":
        data["domain"] = "ctdc"  # the one choice the form asks of an upload: it never guesses a domain
        file_bytes = ctdc_csv(research_view([personas.org.pk]).astype(str).replace({"None": ""}))
    response = post_new(dm, data, file_bytes)
    assert response.status_code == 302, response.context["form"].errors
    release = Release.objects.get()
    assert release.status == "ready", release.error
    assert release.report["constraints"]["violations_total"] == 0
    assert release.report["public_domain"]["source"] == "CTDC codebook"
