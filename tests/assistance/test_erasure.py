"""The erasure of a person reaches their assistance records: free text overwritten everywhere."""

from __future__ import annotations

import pytest

from ctm.cases.domain import erasure
from ctm.cases.domain.cases import close_case
from ctm.cases.models import Case
from tests.assistance.objects import make_assistance
from tests.cases.test_erasure import database_hits

pytestmark = pytest.mark.django_db


def test_shredding_the_person_erases_their_assistance_free_text(personas, tmp_path):
    p = personas
    make_assistance(p)
    needles = ["hides at her aunt", "Clinic near her aunt"]
    assert database_hits(needles)  # the hunt finds them before
    close_case(Case.objects.get(pk=p.case.pk), by=p.case_manager, reason="plan_completed")
    export = tmp_path / "export"
    export.mkdir()
    erasure.shred_person(Case.objects.get(pk=p.case.pk).person, by="test", export_path=export)
    assert database_hits(needles) == []
