"""Linkage runs in the platform: own persons and uploaded lists, no plaintext stored, clerical review."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from ctm.core.models import ActivityLog
from ctm.linkage.domain.queries.records import upload_frame
from ctm.linkage.models import Estimate, LinkageRun, LinkedRecord, ListUpload, ScoredPair
from tests.linkage_platform.conftest import PLAIN_NAMES, list_csv, upload

pytestmark = pytest.mark.django_db

SHELTER = [
    ("S-1", "Olga", "Petrova", "1995-04-02", "F", "MD", ""),
    ("S-2", "Mohamed", "Hadad", "1988", "M", "SY", ""),
    ("S-3", "Ioana", "Popescu", "1985-06-14", "F", "RO", "RX100200"),
    ("S-4", "Irina", "Ceban", "2000-02-02", "F", "MD", ""),
    ("S-5", "Tatiana", "Rusu", "1997-12", "F", "MD", ""),
]
POLICE = [
    ("P-1", "Petrova", "Olga", "1995-04-02", "F", "MD", "AB123456"),
    ("P-2", "Irina", "Ceban", "2000-02-02", "F", "MD", ""),
    ("P-3", "Elena", "Morozova", "1989-01-01", "F", "RU", "RU4242"),
    ("P-4", "Dmitri", "Volkov", "1975-05-05", "M", "RU", ""),
]


def start(client, files=(), include_persons=True, threshold="0.9", unique_lists=False):
    data = {"label": "", "threshold": threshold, "seed": 42, "files": list(files)}
    if include_persons:
        data["include_persons"] = "on"
    if unique_lists:
        data["unique_lists"] = "on"
    return client.post(reverse("linkage:new_run"), data)


def stored_text(run: LinkageRun) -> str:
    """Everything a run keeps in clear: its fields, records, pairs (the uploads are ciphertext)."""
    rows = [
        run.label,
        json.dumps(run.lists),
        json.dumps(run.settings),
        json.dumps(run.summary),
        json.dumps(run.histogram),
        json.dumps(run.warnings),
    ]
    rows += [f"{r.list_name} {r.record_id} {r.cluster_id}" for r in LinkedRecord.objects.filter(run=run)]
    rows += [str(v) for v in ScoredPair.objects.filter(run=run).values_list()]
    rows += [bytes(u.blob).decode("latin-1") for u in ListUpload.objects.filter(run=run)]
    return "\n".join(rows)


@pytest.fixture
def run(dm, personas, registered_people):
    response = start(dm, [upload("shelter.csv", list_csv(SHELTER)), upload("police.csv", list_csv(POLICE))])
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    run = LinkageRun.objects.filter(organization=personas.org.pk).get()
    assert response["Location"] == reverse("linkage:run", args=[run.pk])
    assert run.status == "done", run.error  # the job ran inline (tests)
    return run


def test_run_on_persons_and_lists_stores_no_plaintext(dm, personas, registered_people, run):
    assert run.list_names == ["CHI", "shelter", "police"]
    records = LinkedRecord.objects.filter(run=run)
    persons = {*registered_people, personas.case.person_id}  # the personas' own case is a person too
    assert records.count() == len(persons) + len(SHELTER) + len(POLICE)
    assert {int(r.record_id) for r in records.filter(list_name="CHI")} == persons
    text = stored_text(run)
    for name in [*PLAIN_NAMES, "Ceban", "Volkov", "1995-04-02", "AB123456"]:
        assert name not in text
    # the transliterated duplicates of the register end up in one cluster
    cluster = {int(r.record_id): r.cluster_id for r in records.filter(list_name="CHI")}
    olga, olga_cyrillic = registered_people[0], registered_people[1]
    assert cluster[olga] == cluster[olga_cyrillic]
    assert cluster[registered_people[6]] == cluster[registered_people[7]]  # José Núñez / Jose Nunez
    assert cluster[registered_people[0]] != cluster[registered_people[2]]
    # the same Olga is on the shelter's and the police's lists
    linked = {(r.list_name, r.record_id): r.cluster_id for r in records}
    assert linked[("shelter", "S-1")] == linked[("police", "P-1")] == cluster[olga]
    assert ActivityLog.objects.filter(action="linkage.run.created", object_id=str(run.pk)).exists()
    assert ActivityLog.objects.filter(action="linkage.persons.linked", object_id=str(run.pk)).exists()
    page = dm.get(reverse("linkage:run", args=[run.pk])).content.decode()
    assert "data:image/png;base64," in page and "Petrova" not in page


def test_uploads_are_encrypted_and_deleted_with_the_run(dm, personas, run):
    uploads = list(ListUpload.objects.filter(run=run))
    assert sorted(u.name for u in uploads) == ["police", "shelter"]
    for u in uploads:
        assert b"Olga" not in bytes(u.blob) and b"Ceban" not in bytes(u.blob)
    assert "Irina" in set(upload_frame(uploads[0])["given_name"])
    post_table = Estimate.objects.filter(organization=personas.org.pk)
    assert dm.get(reverse("linkage:delete_run", args=[run.pk])).status_code == 200
    assert dm.post(reverse("linkage:delete_run", args=[run.pk])).status_code == 302
    assert not ListUpload.objects.filter(run_id=run.pk).exists()
    assert not LinkedRecord.objects.filter(run_id=run.pk).exists()
    assert not post_table.exists()
    assert ActivityLog.objects.filter(action="linkage.run.deleted", object_id=str(run.pk)).exists()


def _cluster(run, list_name, record_id):
    return LinkedRecord.objects.get(run=run, list_name=list_name, record_id=record_id).cluster_id


def test_clerical_review_accept_and_reject_change_clusters(dm, personas, run):
    pair = ScoredPair.objects.filter(run=run).order_by("-match_probability").first()
    left, right = pair.left, pair.right
    assert left.cluster_id == right.cluster_id
    page = dm.get(reverse("linkage:pair", args=[run.pk, pair.pk]))
    assert page.status_code == 200
    assert ActivityLog.objects.filter(action="linkage.pair.viewed", object_id=str(pair.pk)).count() == 1
    url = reverse("linkage:decide", args=[run.pk, pair.pk])
    assert dm.post(url, {"decision": "rejected"}).status_code == 302
    pair.refresh_from_db()
    assert pair.decision == "rejected" and pair.decided_by == personas.data_manager.user
    assert _cluster(run, left.list_name, left.record_id) != _cluster(run, right.list_name, right.record_id)
    assert ActivityLog.objects.filter(action="linkage.pair.rejected", object_id=str(pair.pk)).exists()
    assert dm.post(url, {"decision": "accepted"}).status_code == 302
    assert _cluster(run, left.list_name, left.record_id) == _cluster(run, right.list_name, right.record_id)
    assert ActivityLog.objects.filter(action="linkage.pair.accepted", object_id=str(pair.pk)).exists()
    assert dm.post(url, {"decision": "maybe"}).status_code == 400
    review = dm.get(reverse("linkage:review", args=[run.pk])).content.decode()
    assert f"#{pair.pk}" in review and "Petrova" not in review


def test_threshold_and_decisions_drive_the_clusters(dm, personas, run):
    before = run.summary["clusters"]
    assert dm.post(reverse("linkage:recluster", args=[run.pk]), {"threshold": "0.99"}).status_code == 302
    run.refresh_from_db()
    assert run.threshold == 0.99 and run.summary["clusters"] > before
    assert ActivityLog.objects.filter(action="linkage.run.reclustered", object_id=str(run.pk)).exists()
    weak = next(
        p
        for p in ScoredPair.objects.filter(run=run, match_probability__lt=0.99).select_related(
            "left", "right"
        )
        if p.left.cluster_id != p.right.cluster_id
    )
    # an accepted pair is linked although it lies below the threshold, and stays linked at another one
    dm.post(reverse("linkage:decide", args=[run.pk, weak.pk]), {"decision": "accepted"})
    left, right = (weak.left.list_name, weak.left.record_id), (weak.right.list_name, weak.right.record_id)
    assert _cluster(run, *left) == _cluster(run, *right)
    dm.post(reverse("linkage:recluster", args=[run.pk]), {"threshold": "0.98"})
    assert _cluster(run, *left) == _cluster(run, *right)
    response = dm.post(reverse("linkage:recluster", args=[run.pk]), {"threshold": "2"})
    assert response.status_code == 400 and "threshold" in response.context["form"].errors


def test_estimate_from_a_run(dm, personas, run):
    page = dm.get(reverse("linkage:new_estimate") + f"?run={run.pk}")
    assert page.status_code == 200 and page.context["form"].initial["run"] == run.pk
    response = dm.post(
        reverse("linkage:new_estimate"),
        {"source": "run", "run": run.pk, "method": "main", "max_order": 2, "bootstrap": 0, "seed": 1},
    )
    assert response.status_code == 302, response.context["form"].errors
    estimate = Estimate.objects.filter(organization=personas.org.pk).get()
    assert estimate.run == run and estimate.table["lists"] == sorted(["CHI", "shelter", "police"])
    assert estimate.result["observed"] == run.summary["clusters"]


def test_bad_list_uploads_are_field_errors(dm, personas):
    bad = [
        upload("a.csv", b"record_id,given_name\n1,Olga\n"),
        upload("b.xlsx", b"PK\x03\x04garbage", "application/vnd.ms-excel"),
        upload("c.csv", list_csv([("1", "A", "B", "", "", "", ""), ("1", "C", "D", "", "", "", "")])),
    ]
    response = start(dm, bad, include_persons=False)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].errors["files"])
    assert "a.csv: Missing column(s)" in errors and "b.xlsx" in errors and "repeated" in errors
    response = start(dm, [], include_persons=False)
    assert response.status_code == 400 and "files" in response.context["form"].errors
    assert not LinkageRun.objects.filter(organization=personas.org.pk).exists()


def test_xlsx_list_is_read(dm, personas, registered_people, tmp_path):
    import pandas as pd

    path = tmp_path / "hotline.xlsx"
    frame = pd.DataFrame(
        POLICE,
        columns=[
            "record_id",
            "given_name",
            "family_name",
            "birth_date",
            "sex",
            "citizenship",
            "document_number",
        ],
    )
    frame.to_excel(path, index=False)
    response = start(dm, [upload("hotline.xlsx", path.read_bytes(), "application/octet-stream")])
    assert response.status_code == 302, response.context["form"].errors
    run = LinkageRun.objects.filter(organization=personas.org.pk).get()
    assert run.list_names == ["CHI", "hotline"]
    assert _cluster(run, "hotline", "P-3") == _cluster(run, "CHI", str(registered_people[19]))


def test_a_run_of_unique_lists_never_groups_two_records_of_one_list(dm, personas):
    from tests.linkage_platform.objects import make_run

    # A/1 and B/2 were linked (0.89); A/3 looks even more like B/2 (0.95). A chain would make one group of
    # three holding two records of list A.
    run = make_run(personas.data_manager)
    b2 = LinkedRecord.objects.get(run=run, record_id="2")
    a3 = LinkedRecord.objects.create(organization=personas.org, run=run, list_name="A", record_id="3", cluster_id=2)
    ScoredPair.objects.create(organization=personas.org, run=run, left=a3, right=b2, match_weight=5.0,
                              match_probability=0.95)
    url = reverse("linkage:recluster", args=[run.pk])
    assert dm.post(url, {"threshold": "0.5"}).status_code == 302
    assert len({_cluster(run, "A", "1"), _cluster(run, "B", "2"), _cluster(run, "A", "3")}) == 1  # duplicates allowed
    run.settings = {"unique_lists": True}
    run.save(update_fields=["settings"])
    assert dm.post(url, {"threshold": "0.5"}).status_code == 302
    assert _cluster(run, "A", "3") == _cluster(run, "B", "2") != _cluster(run, "A", "1")  # the stronger link
    # Not even a reviewer's acceptance puts two records of a unique list in one group.
    first = ScoredPair.objects.get(run=run, left__record_id="1")
    assert dm.post(reverse("linkage:decide", args=[run.pk, first.pk]), {"decision": "accepted"}).status_code == 302
    assert _cluster(run, "A", "1") != _cluster(run, "A", "3")
    page = dm.get(reverse("linkage:run", args=[run.pk])).content.decode()
    assert "a group never holds two records of one list" in page


def test_the_unique_lists_setting_reaches_the_engine(dm, personas, registered_people):
    files = [upload("shelter.csv", list_csv(SHELTER)), upload("police.csv", list_csv(POLICE))]
    assert start(dm, files, unique_lists=True).status_code == 302
    run = LinkageRun.objects.filter(organization=personas.org.pk).get()
    assert run.status == "done" and run.settings["unique_lists"] is True
    per_cluster = LinkedRecord.objects.filter(run=run).values_list("cluster_id", "list_name")
    assert len(set(per_cluster)) == len(per_cluster)
def test_a_list_reports_every_problem_not_only_the_first(dm, personas):
    rows = [
        ("1", "Olga", "Petrova", "1995-04-02", "F", "MD", ""),
        ("1", "Ion", "Rusu", "1990-02-30", "X", "ZZ", ""),  # repeated id, impossible date, bad sex, unknown country
        ("", "Ana", "Ceban", "2999", "female", "md", ""),  # no id, a date in the future
        ("4", "Ana", "Ceban", "1990-04", "m", "", ""),  # a month is enough
    ]
    response = start(dm, [upload("c.csv", list_csv(rows))], include_persons=False)
    assert response.status_code == 400
    errors = response.context["form"].errors["files"]
    assert [e.split(":", 2)[1].strip() for e in errors] == ["Row 3", "Row 3", "Row 3", "Row 3", "Row 4", "Row 4"]
    text = " ".join(errors)
    assert "repeated (row 2)" in text and "possible date" in text and "sex code" in text and "country" in text
    assert "record_id is empty" in text


def test_after_a_decision_the_reviewer_goes_to_the_next_pair(dm, personas, run):
    from ctm.linkage.domain.queries.runs import review_queue

    queue = [p for p in review_queue(run) if p.decision == ""]
    assert len(queue) >= 2  # the fixture's run has pairs near its threshold
    response = dm.post(reverse("linkage:decide", args=[run.pk, queue[0].pk]), {"decision": "accepted"})
    assert response["Location"] == reverse("linkage:pair", args=[run.pk, queue[1].pk])


def test_a_linkage_job_applies_the_memory_limit_and_leaves_no_spill_files(dm, personas, registered_people, settings,
                                                                         tmp_path):
    settings.CTM_LINKAGE_MEMORY_MB = 300
    settings.CTM_LINKAGE_SPILL_DIR = str(tmp_path)
    settings.CTM_LINKAGE_THREADS = 1
    assert start(dm, [upload("shelter.csv", list_csv(SHELTER)), upload("police.csv", list_csv(POLICE))]).status_code == 302
    run = LinkageRun.objects.filter(organization=personas.org.pk).get()
    assert run.status == "done", run.error
    assert run.settings["memory_limit"] == "300MB" and run.settings["spill"] is True
    assert run.settings["threads"] == 1
    assert run.settings["blocking"]["max_block_size"] == 2000 and not run.settings["blocking"]["records_left_out"]
    assert list(tmp_path.iterdir()) == []  # the run's private spill directory is gone


def test_the_run_page_says_when_the_blocking_cap_left_records_out(dm, personas, run):
    from django.utils import translation

    from ctm.linkage.phrases import blocking_text

    run.settings = {**run.settings, "blocking": {"max_block_size": 2000, "split_blocks": {"name_key": 1},
                                                 "records_left_out": {"name_key": 2501}, "largest_block": 2000}}
    run.save(update_fields=["settings"])
    page = dm.get(reverse("linkage:run", args=[run.pk])).content.decode()
    assert "2501 records were left out of a blocking rule" in page
    with translation.override("fr"):
        french = blocking_text(run.settings["blocking"])
    assert "2501" in french and "left out" not in french
    assert blocking_text({"max_block_size": 2000, "records_left_out": {}}) == ""


def test_a_linkage_job_leaves_a_core_to_the_web_pages_by_default(settings, monkeypatch):
    from ctm.linkage.domain.run_job import job_threads

    settings.CTM_LINKAGE_THREADS = -1  # the default
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert job_threads() == 1
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert job_threads() == 1
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert job_threads() == 7
    settings.CTM_LINKAGE_THREADS = 0
    assert job_threads() is None  # every core


def test_a_run_re_clusters_down_to_the_lowest_threshold_its_pairs_support(dm, personas, run):
    """A run keeps the conflicts of every record in a kept pair (decision 0204): its pairs re-cluster at any
    threshold the form allows, down to 0.01, and the run says so in its settings."""
    assert run.settings["conflicts_from"] == 0.01 and run.settings["threshold"] == 0.9
    page = dm.get(reverse("linkage:run", args=[run.pk])).content.decode()
    assert "start a new run" not in page
    assert dm.post(reverse("linkage:recluster", args=[run.pk]), {"threshold": "0.01"}).status_code == 302
    run.refresh_from_db()
    assert run.threshold == 0.01


def test_re_clustering_below_what_a_run_kept_is_refused_on_the_field(dm, personas):
    """A run stored before the floor was recorded kept the conflicts of the records linkable at its own first
    threshold only (0.9 here): below it the clusters could differ from a new run's, so the threshold field
    says so (400), nothing changes and nothing is logged; at 0.9 or more it re-clusters."""
    from tests.linkage_platform.objects import make_run

    run = make_run(personas.data_manager)
    run.settings = {"threshold": 0.9}
    run.save(update_fields=["settings"])
    url = reverse("linkage:recluster", args=[run.pk])
    assert "0.9 or more" in dm.get(reverse("linkage:run", args=[run.pk])).content.decode()
    response = dm.post(url, {"threshold": "0.5"})
    assert response.status_code == 400
    errors = response.context["form"].errors["threshold"]
    assert len(errors) == 1 and "0.9 or more" in errors[0] and "new run" in errors[0]
    run.refresh_from_db()
    assert run.threshold == 0.9
    assert not ActivityLog.objects.filter(action="linkage.run.reclustered", object_id=str(run.pk)).exists()
    assert dm.post(url, {"threshold": "0.95"}).status_code == 302
    run.refresh_from_db()
    assert run.threshold == 0.95
    assert dm.post(url, {"threshold": "0.9"}).status_code == 302  # back to its own threshold
