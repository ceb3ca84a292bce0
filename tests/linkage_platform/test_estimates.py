"""The estimation page: upload → estimate → result page, reports, bad uploads, estimate from a run."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ctm.core.models import ActivityLog
from ctm.linkage.models import Estimate
from tests.linkage_platform.conftest import TABLE_CSV, upload

pytestmark = pytest.mark.django_db


def post_table(client, data: bytes, name: str = "table.csv", **params):
    form = {
        "source": "upload",
        "file": upload(name, data),
        "method": "stepwise",
        "max_order": 2,
        "bootstrap": 50,
        "seed": 7,
        "threshold": "",
    }
    form.update(params)
    return client.post(reverse("linkage:new_estimate"), form)


def test_upload_estimate_end_to_end(dm, personas):
    assert dm.get(reverse("linkage:new_estimate")).status_code == 200
    response = post_table(dm, TABLE_CSV)
    assert response.status_code == 302
    estimate = Estimate.objects.filter(organization=personas.org.pk).get()
    assert response["Location"] == reverse("linkage:estimate", args=[estimate.pk])
    assert estimate.status == "done" and estimate.progress == 100  # the job ran inline (tests)
    assert estimate.created_by == personas.data_manager.user
    assert estimate.table["lists"] == ["A", "B", "C"]
    assert estimate.parameters == {
        "method": "stepwise",
        "threshold": None,
        "max_order": 2,
        "bootstrap": 50,
        "seed": 7,
    }
    result = estimate.result
    assert result["observed"] == 202 and result["estimate"] > 202
    assert set(result["intervals"]) == {"model_based", "profile_likelihood", "bca_bootstrap"}
    assert result["bootstrap"]["replicates"] == 50
    assert [r["method"] for r in estimate.sensitivity] == ["stepwise", "aic", "bic", "main"]
    page = dm.get(response["Location"]).content.decode()
    assert f"{result['estimate']:,.0f}" in page
    assert "data:image/png;base64," in page  # the UpSet chart, drawn on the server
    assert "Bootstrap (BCa)" in page and "Profile likelihood" in page
    assert ActivityLog.objects.filter(action="linkage.estimate.created", object_id=str(estimate.pk)).exists()
    assert ActivityLog.objects.filter(action="linkage.estimate.computed", object_id=str(estimate.pk)).exists()


@pytest.mark.shared_data
def test_uk_2013_through_the_page(dm, personas, shared_data):
    data = (shared_data / "mse" / "UKdat_5.csv").read_bytes()
    response = post_table(dm, data, "UKdat_5.csv", bootstrap=0)
    assert response.status_code == 302
    estimate = Estimate.objects.filter(organization=personas.org.pk).get()
    assert estimate.result["estimate"] == pytest.approx(11312.99, abs=0.5)
    assert estimate.result["interval"] == "model-based"
    assert "11,313" in dm.get(response["Location"]).content.decode()


BAD = {
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "not a CSV file"),
    "xlsx": (b"PK\x03\x04" + b"\x00" * 40, "not a CSV file"),
    "no count": (b"A,B\n1,0\n0,1\n", "count"),
    "one list": (b"A,count\n1,5\n", "two list columns"),
    "not 0/1": (b"A,B,count\n2,0,5\n0,1,4\n1,1,3\n", "0 or 1"),
    "negative": (b"A,B,count\n1,0,-5\n0,1,4\n1,1,3\n", "negative"),
    "words": (b"A,B,count\n1,0,many\n0,1,4\n1,1,3\n", "whole numbers"),
    "empty": (b"", "empty"),
    "latin-1": ("A,B,count\n1,0,5\n0,1,4\n1,1,3\n# é".encode("latin-1"), "UTF-8"),
    "no overlap": (b"A,B,count\n1,0,5\n0,1,4\n", "do not overlap"),
    "too big": (b"A,B,count\n" + b"1,0,5\n" * 200_000, "larger than"),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_upload_is_a_field_error(dm, personas, case):
    data, message = BAD[case]
    response = post_table(dm, data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "file" in errors, errors
    assert message in " ".join(errors["file"]), errors["file"]
    assert not Estimate.objects.filter(organization=personas.org.pk).exists()


def test_missing_file_and_bad_parameters(dm):
    response = dm.post(
        reverse("linkage:new_estimate"),
        {"source": "upload", "method": "nope", "max_order": 9, "bootstrap": -1, "seed": 1},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"file", "method", "max_order", "bootstrap"} <= set(errors)


def test_reports_are_real_files_and_logged(dm, personas):
    post_table(dm, TABLE_CSV, bootstrap=0)
    estimate = Estimate.objects.filter(organization=personas.org.pk).get()
    html = dm.get(reverse("linkage:estimate_report", args=[estimate.pk, "html"]))
    assert html.status_code == 200 and html["Content-Disposition"].startswith("attachment")
    body = html.content.decode()
    assert body.startswith("<!doctype html>") and f"{estimate.result['estimate']:,.0f}" in body
    assert "How this estimate is made" in body
    pdf = dm.get(reverse("linkage:estimate_report", args=[estimate.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF") and len(pdf.content) > 5000
    assert dm.get(reverse("linkage:estimate_report", args=[estimate.pk, "doc"])).status_code == 404
    exports = ActivityLog.objects.filter(action="linkage.estimate.exported", object_id=str(estimate.pk))
    assert sorted(e.changes["format"][1] for e in exports) == ["html", "pdf"]


def test_delete_estimate(dm, personas):
    post_table(dm, TABLE_CSV, bootstrap=0)
    estimate = Estimate.objects.filter(organization=personas.org.pk).get()
    assert dm.post(reverse("linkage:delete_estimate", args=[estimate.pk])).status_code == 302
    assert not Estimate.objects.filter(organization=personas.org.pk).exists()
    assert ActivityLog.objects.filter(action="linkage.estimate.deleted").exists()


def test_estimate_page_warns_when_the_run_merged_people(dm, personas):
    from django.utils import translation

    from ctm.linkage.domain.estimates import create_estimate
    from ctm.linkage.engine import table_from_frame
    from ctm.linkage.models import LinkedRecord
    from tests.linkage_platform.objects import PARAMS, SMALL_TABLE, make_run

    run = make_run(personas.data_manager)  # cluster 1: A/1 and B/2
    LinkedRecord.objects.create(organization=personas.org, run=run, list_name="A", record_id="3", cluster_id=1)
    estimate = create_estimate(by=personas.data_manager, table=table_from_frame(SMALL_TABLE), label="merged",
                               parameters=PARAMS, run=run)
    # Stored as codes with their figures, never as words in one language.
    assert {c["code"] for c in estimate.table["linkage_checks"]} == {"large_clusters", "one_to_many"}
    page = dm.get(reverse("linkage:estimate", args=[estimate.pk])).content.decode()
    assert "more records than there are lists" in page and "two or more records of another" in page
    with translation.override("fr"):
        page = dm.get(reverse("linkage:estimate", args=[estimate.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "more records than there are lists" not in page
    assert "il n&#x27;y a de listes" in page and "deux enregistrements ou plus" in page
    report = dm.get(reverse("linkage:estimate_report", args=[estimate.pk, "html"])).content.decode()
    assert "more records than there are lists" in report  # the report (and its PDF) carries them too
