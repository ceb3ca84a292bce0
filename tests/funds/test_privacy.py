"""What a request says about a person is encrypted at rest and goes with the person's erasure."""

from __future__ import annotations

import pytest
from django.db import connection

from ctm.cases.domain import erasure
from ctm.cases.domain.cases import close_case
from ctm.funds.models import BudgetLine, FundRequest
from tests import factories as f
from tests.funds.objects import NEEDS, fund_with_reviewer, in_review

pytestmark = pytest.mark.django_db


def test_free_text_is_encrypted_at_rest_and_erased_with_the_person(personas, tmp_path):
    fund, reviewer = fund_with_reviewer(f.make_org("FND", "CH"))
    request = in_review(personas.caseworker, fund, reviewer, case=personas.case)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT immediate_needs, justification FROM funds_fundrequest WHERE id = %s", [request.pk]
        )
        raw = " ".join(cursor.fetchone())
        cursor.execute("SELECT description FROM funds_budgetline WHERE request_id = %s", [request.pk])
        raw += " ".join(r[0] for r in cursor.fetchall())
    assert NEEDS[:20] not in raw and "shelter" not in raw and raw.startswith("v1:")
    close_case(personas.case, by=personas.caseworker, reason="plan_completed")
    erasure.shred_person(personas.case.person, by="test", export_path=tmp_path)
    erased = FundRequest.objects.get(pk=request.pk)
    assert erased.immediate_needs == "" and erased.justification == ""
    assert set(BudgetLine.objects.filter(request=erased).values_list("description", flat=True)) == {""}
    assert erased.requested_total > 0  # the amounts stay: the fund's accounts still add up
