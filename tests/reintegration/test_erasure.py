"""The erasure of a person reaches their return and reintegration: free text overwritten everywhere."""

from __future__ import annotations

import pytest

from ctm.cases.domain import erasure
from ctm.cases.domain.cases import close_case
from ctm.cases.models import Case
from tests.cases.test_erasure import database_hits
from tests.reintegration.objects import make_reintegration

pytestmark = pytest.mark.django_db


def test_shredding_the_person_erases_their_return_free_text(personas, tmp_path):
    p = personas
    make_reintegration(p)
    needles = ["goes back to her aunt", "Reception at the airport", "Moscow"]
    assert len(database_hits(needles)) >= 3
    close_case(Case.objects.get(pk=p.case.pk), by=p.case_manager, reason="plan_completed")
    export = tmp_path / "export"
    export.mkdir()
    erasure.shred_person(Case.objects.get(pk=p.case.pk).person, by="test", export_path=export)
    assert database_hits(needles) == []
