"""The release workflow end to end: prepare (upload or own cases) → preview → approval by another person
→ publish → public page → files that match their manifest; and what the workflow refuses."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ctm.core.enums import Role
from ctm.core.errors import InvalidTransition
from ctm.core.models import ActivityLog
from ctm.privacy.domain import releases as domain
from ctm.privacy.domain.files import release_dir
from ctm.privacy.domain.queries.releases import release_frame
from ctm.privacy.enums import PUBLISHED_FILES
from ctm.privacy.models import Dataset, Release
from tests.privacy_platform.objects import (
    COLUMNS,
    NOTICE,
    QI,
    approved,
    ctdc_csv,
    ctdc_frame,
    kanon_form,
    make_release,
    post_new,
    published,
    synthetic_form,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db


def only_release(personas) -> Release:
    return Release.objects.filter(organization=personas.org.pk).get()


def test_upload_preview_approve_publish_and_download(dm, auditor, anonymous, personas):
    response = post_new(dm, kanon_form(), ctdc_csv(ctdc_frame()))
    assert response.status_code == 302, response.context["form"].errors
    release = only_release(personas)
    assert release.status == "ready" and release.progress == 100
    assert release.report["privacy"]["k_achieved"] >= 4
    page = dm.get(reverse("privacy:release", args=[release.pk])).content.decode()
    assert "Achieved k" in page and "Re-identification risk" in page and "Information loss" in page
    assert "Record my decision" not in page  # the preparer cannot review

    response = auditor.post(
        reverse("privacy:review_release", args=[release.pk]), {"decision": "approve", "reason": "Low risk."}
    )
    assert response.status_code == 302
    response = dm.post(reverse("privacy:publish_release", args=[release.pk]))
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.status == "published" and release.published_by == personas.data_manager.user

    listing = anonymous.get(reverse("published:list")).content.decode()
    assert "Shelter data 2019-2021" in listing and personas.org.name in listing
    page = anonymous.get(reverse("published:release", args=[release.pk]))
    assert page.status_code == 200 and release.manifest_sha256 in page.content.decode()

    manifest = json.loads(_download(anonymous, release, "manifest.json").content)
    assert (
        hashlib.sha256(_download(anonymous, release, "manifest.json").content).hexdigest()
        == release.manifest_sha256
    )
    assert manifest["method"] == "k-anonymity" and manifest["rows"] == 120 and manifest["epsilon_spent"] == 0
    assert manifest["parameters"]["k"] == 4 and manifest["parameters"]["qi"] == QI
    assert {"suppression_limit", "sensitive", "l", "columns"} <= set(manifest["parameters"])
    assert manifest["date"] and manifest["notice"] == NOTICE
    assert [f["name"] for f in manifest["files"]] == [n for n in PUBLISHED_FILES if n != "manifest.json"]
    for entry in manifest["files"]:
        response = _download(anonymous, release, entry["name"])
        assert response["Content-Type"] == PUBLISHED_FILES[entry["name"]]
        assert hashlib.sha256(response.content).hexdigest() == entry["sha256"]
        assert len(response.content) == entry["bytes"]
    data_csv = _download(anonymous, release, "data.csv").content.decode()
    assert data_csv.splitlines()[0].startswith(NOTICE + ",gender")
    assert _download(anonymous, release, "report.pdf").content.startswith(b"%PDF")
    assert "Achieved k" in _download(anonymous, release, "report.html").content.decode()
    assert "quasi-identifier" in _download(anonymous, release, "dictionary.csv").content.decode()
    assert not ActivityLog.objects.filter(action="privacy.release.downloaded").exists()  # anonymous
    _download(auditor, release, "data.parquet")
    logged = ActivityLog.objects.get(action="privacy.release.downloaded")
    assert logged.actor == personas.auditor.user and logged.changes == {"file": [None, "data.parquet"]}
    actions = set(ActivityLog.objects.filter(object_id=str(release.pk)).values_list("action", flat=True))
    assert {"privacy.release.created", "privacy.release.previewed", "privacy.release.approved"} <= actions
    assert "privacy.release.published" in actions


def _download(client, release, name):
    response = client.get(reverse("published:download", args=[release.pk, name]))
    assert response.status_code == 200, name
    assert response["Content-Disposition"] == f'attachment; filename="ctm-release-{release.pk}-{name}"'
    return response


def test_synthetic_release_from_xlsx_shows_utility_and_heat_map(dm, personas):
    form = synthetic_form(synthesis_method="mst", columns="gender,ageBroad,citizenship,isForcedLabour")
    response = post_new(dm, form, xlsx_bytes(ctdc_frame(200)), name="ctdc.xlsx")
    assert response.status_code == 302, response.context["form"].errors
    release = only_release(personas)
    assert release.status == "ready", release.error
    assert release.epsilon == 1.0 and release.rows != 200 and abs(release.rows - 200) < 80  # a noisy count
    page = dm.get(reverse("privacy:release", args=[release.pk])).content.decode()
    for text in ("3-way marginals", "rare real combinations lost", "fabricated", "identical to a real row"):
        assert text in page
    assert 'src="data:image/png;base64,' in page


def test_the_creator_can_never_approve_their_own_release(client, personas):
    release = make_release(personas.data_manager)
    # the data manager becomes an auditor: still the person who prepared it
    personas.data_manager.role = Role.AUDITOR
    personas.data_manager.save(update_fields=["role"])
    client.force_login(personas.data_manager.user)
    page = client.get(reverse("privacy:release", args=[release.pk])).content.decode()
    assert "Record my decision" not in page and "another person must review" not in page
    response = client.post(
        reverse("privacy:review_release", args=[release.pk]), {"decision": "approve", "reason": "Mine."}
    )
    assert response.status_code == 400
    assert "You prepared this release" in response.content.decode()
    with pytest.raises(InvalidTransition):
        domain.review_release(release, by=personas.data_manager, decision="approve", reason="Mine.")
    release.refresh_from_db()
    assert release.status == "ready" and release.reviewed_by is None


def test_review_needs_a_reason_and_rejected_is_never_published(auditor, dm, personas):
    release = make_release(personas.data_manager)
    url = reverse("privacy:review_release", args=[release.pk])
    response = auditor.post(url, {"decision": "reject", "reason": ""})
    assert response.status_code == 400 and "error-summary" in response.content.decode()
    assert auditor.post(url, {"decision": "reject", "reason": "Too few records."}).status_code == 302
    response = dm.post(reverse("privacy:publish_release", args=[release.pk]), follow=True)
    assert "Only an approved release can be published" in response.content.decode()
    release.refresh_from_db()
    assert release.status == "rejected" and not release_dir(release).exists()


def test_a_published_release_never_changes(personas):
    release = published(personas)
    before = {p.name: p.read_bytes() for p in release_dir(release).iterdir()}
    with pytest.raises(InvalidTransition):
        domain.publish_release(release, by=personas.data_manager)
    with pytest.raises(InvalidTransition):
        domain.review_release(release, by=personas.auditor, decision="reject", reason="Changed my mind.")
    fresh = Release.objects.get(pk=release.pk)
    fresh.label = "rewritten"
    with pytest.raises(InvalidTransition):
        fresh.save()
    with pytest.raises(InvalidTransition):
        Release.objects.get(pk=release.pk).delete()
    assert Release.objects.get(pk=release.pk).label == "fixture release"
    assert {p.name: p.read_bytes() for p in release_dir(release).iterdir()} == before
    assert all(not p.stat().st_mode & 0o222 for p in release_dir(release).iterdir())  # read-only


def test_a_changed_file_is_withheld(anonymous, personas):
    release = published(personas)
    path = release_dir(release) / "data.csv"
    path.chmod(0o644)
    path.write_text("tampered\n")
    response = anonymous.get(reverse("published:download", args=[release.pk, "data.csv"]))
    assert response.status_code == 409
    assert anonymous.get(reverse("published:download", args=[release.pk, "secret.txt"])).status_code == 404


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.csv", "file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "photo.csv", "not a CSV, XLSX or Parquet"),
        (b"PAR1 not really parquet", "broken.parquet", "cannot be read"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old.xls", "old Excel file"),
        (b"given_name;gender;ageBroad\nOlga;Female;18--20\nIrina;Female;21--23\n", "names.csv",
         "not in the CTDC schema (nor all HTCDS fields"),
        (b"gender;ageBroad\nFemale;18--20\n", "one.csv", "at least two rows"),
    ],
)  # fmt: skip
def test_a_bad_upload_is_refused_with_a_clear_error_and_nothing_written(
    dm, personas, caplog, content, name, message
):
    caplog.set_level("DEBUG")
    logged = ActivityLog.objects.count()
    response = post_new(dm, kanon_form(), content, name=name)
    assert response.status_code == 400
    body = response.content.decode()
    assert "error-summary" in body and message in body
    assert "Olga" not in body and "Olga" not in caplog.text and "Irina" not in caplog.text
    assert not Dataset.objects.exists() and not Release.objects.exists()
    assert ActivityLog.objects.count() == logged


def test_parameters_are_checked_at_the_form(dm, personas):
    response = post_new(dm, kanon_form(qi="gender,nationality"), ctdc_csv(ctdc_frame()))
    assert response.status_code == 400
    assert "nationality" in response.context["form"].errors["qi"][0]
    response = post_new(dm, kanon_form(k=""), ctdc_csv(ctdc_frame()))
    assert "k" in response.context["form"].errors
    response = post_new(dm, kanon_form(source="cases"))
    assert "nothing to release" in response.content.decode()  # no case allows research use yet
    assert not Dataset.objects.filter(source="upload").exists() and not Release.objects.exists()


def test_the_uploaded_dataset_is_encrypted_at_rest(dm, personas):
    frame = ctdc_frame(source="Shelter Zeta-Secret")
    assert post_new(dm, kanon_form(), ctdc_csv(frame), name="zeta-victims.csv").status_code == 302
    dataset = Dataset.objects.get()
    assert b"Zeta-Secret" not in bytes(dataset.blob) and dataset.filename == "zeta-victims.csv"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT filename FROM privacy_dataset WHERE id = %s", [dataset.pk])
        assert "zeta" not in cursor.fetchone()[0]
    release = only_release(personas)
    assert b"Zeta-Secret" not in bytes(release.blob)
    # the same content uploaded again is the same dataset (and the same privacy budget)
    assert post_new(dm, kanon_form(), ctdc_csv(frame, sep=","), name="again.csv").status_code == 302
    assert Dataset.objects.count() == 1 and Release.objects.count() == 2


def test_an_engine_failure_is_shown_never_a_500(dm, personas, monkeypatch):
    def boom(*args, **kwargs):
        raise ValueError("the model did not converge")

    monkeypatch.setattr("ctm.privacy.domain.runs.synthesize", boom)
    assert post_new(dm, synthetic_form(), ctdc_csv(ctdc_frame())).status_code == 302
    release = only_release(personas)
    assert release.status == "failed"
    page = dm.get(reverse("privacy:release", args=[release.pk]))
    assert page.status_code == 200 and "the model did not converge" in page.content.decode()
    assert "The engine could not make this release" in page.content.decode()


def test_stored_words_are_translated_when_shown_not_when_stored(dm, personas, monkeypatch):
    """An error, a dataset's title and the method on the public page are stored as codes and worded in the
    reader's language: the French page says it in French whatever the language of the preparer."""
    def boom(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr("ctm.privacy.domain.runs.synthesize", boom)
    assert post_new(dm, synthetic_form(label=""), ctdc_csv(ctdc_frame())).status_code == 302
    release = only_release(personas)
    assert release.label == "" and release.dataset.label == "" and "memory" in release.error
    french = dm.get(reverse("privacy:release", args=[release.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    english = dm.get(reverse("privacy:release", args=[release.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Upload of" in english and "more memory than the server has" in english
    assert "Upload of" not in french and "more memory than the server has" not in french
    kanon = published(personas)
    public = dm.get(reverse("published:release", args=[kanon.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "<dd>k-anonymat (généralisation et suppression)</dd>" in public  # the manifest file keeps its words


def test_a_running_release_shows_its_progress_and_refreshes(dm, personas, settings):
    release = approved(personas)
    Release.objects.filter(pk=release.pk).update(status="running", progress=42, stage="anonymizing")
    response = dm.get(reverse("privacy:release", args=[release.pk]))
    assert "Refresh" not in response  # no refresh: the page polls its progress fragment (htmx)
    body = response.content.decode()
    assert 'value="42"' in body and "Searching the generalization lattice" in body
    assert 'hx-trigger="every 2s"' in body and reverse("privacy:release_progress", args=[release.pk]) in body
    # a run with no sign of life for too long was interrupted by a restart
    settings.CTM_RELEASE_STALE_MINUTES = 0
    response = dm.get(reverse("privacy:release", args=[release.pk]))
    body = response.content.decode()
    assert "Refresh" not in response and "interrupted" in body and "hx-trigger" not in body
    assert Release.objects.get(pk=release.pk).status == "failed"


def test_an_upload_stays_in_memory_and_its_size_is_limited(dm, personas, settings, monkeypatch):
    def no_temporary_file(*args, **kwargs):
        raise AssertionError("an upload was spooled to a plaintext temporary file")

    monkeypatch.setattr("django.core.files.uploadedfile.TemporaryUploadedFile.__init__", no_temporary_file)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 100  # Django's own handlers would spool this upload to disk
    assert post_new(dm, kanon_form(), ctdc_csv(ctdc_frame())).status_code == 302
    settings.CTM_PRIVACY_UPLOAD_MAX_BYTES = 2**20
    big = ctdc_csv(ctdc_frame(30_000))
    assert len(big) > 2**20
    response = post_new(dm, kanon_form(), big)
    assert response.status_code == 400 and "larger than 1 MB" in response.content.decode()
    assert Dataset.objects.count() == 1


def test_the_new_release_form_still_checks_csrf(personas):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.data_manager.user)
    assert client.get(reverse("privacy:new_release")).status_code == 200
    assert post_new(client, kanon_form(), ctdc_csv(ctdc_frame())).status_code == 403
    assert not Dataset.objects.exists()


@pytest.mark.parametrize("kind", ["comma", "tab", "parquet"])
def test_every_upload_format_is_read(dm, personas, kind, tmp_path):
    frame = ctdc_frame()
    if kind == "parquet":
        frame.to_parquet(tmp_path / "ctdc.parquet", index=False)
        content, name = (tmp_path / "ctdc.parquet").read_bytes(), "ctdc.parquet"
    else:
        content, name = ctdc_csv(frame, notice=False, sep="," if kind == "comma" else "\t"), "ctdc.csv"
    assert post_new(dm, kanon_form(), content, name=name).status_code == 302
    dataset = Dataset.objects.get()
    assert dataset.rows == 120 and dataset.columns == list(frame.columns)


def test_a_publication_that_cannot_write_its_files_says_so(dm, personas, settings, tmp_path):
    release = approved(personas)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the releases folder should be")
    settings.CTM_RELEASES_DIR = blocker
    response = dm.post(reverse("privacy:publish_release", args=[release.pk]), follow=True)
    assert response.status_code == 200 and "could not be written" in response.content.decode()
    assert Release.objects.get(pk=release.pk).status == "approved"


def test_an_upload_needs_a_declared_domain_and_the_form_never_guesses_one(dm, personas):
    frame = ctdc_frame()
    response = post_new(dm, kanon_form(domain=""), ctdc_csv(frame))
    assert response.status_code == 400 and "does not guess" in response.context["form"].errors["domain"][0]
    partial = SimpleUploadedFile("d.json", json.dumps({"gender": ["Female", "Male"]}).encode())
    response = post_new(dm, kanon_form(domain="file", domain_file=partial), ctdc_csv(frame))
    assert "ageBroad" in response.context["form"].errors["domain_file"][0]
    broken = SimpleUploadedFile("d.json", b"{not json")
    response = post_new(dm, kanon_form(domain="file", domain_file=broken), ctdc_csv(frame))
    assert "not valid JSON" in response.context["form"].errors["domain_file"][0]
    assert not Release.objects.exists()
    declared = {c: sorted(set(frame[c])) for c in COLUMNS if c != "citizenship"}
    declared["citizenship"] = {"values": ["MD", "UA"], "unknown": "Other"}  # RO and PH are not declared
    file = SimpleUploadedFile("d.json", json.dumps(declared).encode())
    response = post_new(dm, synthetic_form(domain="file", domain_file=file, synthesis_method="mst"), ctdc_csv(frame))
    assert response.status_code == 302, response.context["form"].errors
    release = only_release(personas)
    assert release.status == "ready", release.error
    assert release.parameters["domain"]["citizenship"] == {"values": ["MD", "UA"], "unknown": "Other"}
    mapped = int(frame["citizenship"].isin(["RO", "PH"]).sum())
    assert release.report["public_domain"]["out_of_domain"]["citizenship"] == mapped > 0
    assert set(release_frame(release)["citizenship"].dropna()) <= {"MD", "UA", "Other"}
    page = dm.get(reverse("privacy:release", args=[release.pk])).content.decode()
    assert "Values outside the domain, counted as unknown" in page and "Impossible records" in page


def test_an_upload_of_htcds_fields_is_released_under_htcds_value_lists(dm, personas):
    """A table of HTCDS fields (IOM's case data standard) uploads and synthesizes with HTCDS's public
    domain; a value the standard does not list is counted and never drawn; the domain is never guessed."""
    rows = 200
    frame = pd.DataFrame({
        "prs_Gender": ["Feminine", "Masculine", "Feminine", "Unicorn"] * (rows // 4),
        "vic_TypeOfExploitation": ["ForcedLabour", "SexualExploitation"] * (rows // 2),
        "vic_AgeWhenTrafficked": ["16", "24", "31", "45"] * (rows // 4),
    })  # fmt: skip
    data = synthetic_form(columns="", qi="", domain="", epsilon="2")
    response = post_new(dm, data, frame.to_csv(index=False).encode(), name="htcds.csv")
    assert response.status_code == 400 and "domain" in response.context["form"].errors  # never guessed
    response = post_new(dm, {**data, "domain": "htcds"}, frame.to_csv(index=False).encode(), name="htcds.csv")
    assert response.status_code == 302, response.context["form"].errors
    release = Release.objects.get()
    assert release.status == "ready", release.error
    assert release.report["public_domain"]["source"] == "HTCDS 2.0 field standards"
    assert release.report["public_domain"]["out_of_domain"]["prs_Gender"] == rows // 4
    assert "Unicorn" not in set(release_frame(release)["prs_Gender"].dropna())


def test_an_htcds_upload_with_an_identifying_field_is_refused(dm, personas):
    frame = pd.DataFrame({"prs_Gender": ["Feminine", "Masculine"], "prs_Birthdate": ["1990-01-02", "1985-03-04"]})
    response = post_new(dm, synthetic_form(domain="htcds"), frame.to_csv(index=False).encode(), name="h.csv")
    assert response.status_code == 400
    assert "prs_Birthdate" in response.content.decode() and "1990-01-02" not in response.content.decode()
    assert not Dataset.objects.exists()


def test_a_published_synthetic_report_holds_no_figure_computed_on_the_real_records(dm, anonymous, personas):
    """The release is (epsilon, delta)-DP; its report compared the synthetic records with the real ones
    without noise (marginal distances, exact matches, and "1 value outside the domain": one person holds a
    citizenship nobody else has). Reviewers see those figures; the published report and PDF never do."""
    frame = ctdc_frame(300)
    frame.loc[7, "citizenship"] = "XX"  # one person, outside the codebook
    assert post_new(dm, synthetic_form(epsilon="2"), ctdc_csv(frame)).status_code == 302
    release = only_release(personas)
    assert release.status == "ready", release.error
    internal = dm.get(reverse("privacy:release", args=[release.pk])).content.decode()
    assert "Values outside the domain" in internal and "total variation distance" in internal
    domain.review_release(release, by=personas.auditor, decision="approve", reason="Checked.")
    domain.publish_release(Release.objects.get(pk=release.pk), by=personas.data_manager)
    release.refresh_from_db()
    html = _download(anonymous, release, "report.html").content.decode()
    pdf_text = _pdf_text(_download(anonymous, release, "report.pdf").content)
    for text in (html, pdf_text):
        assert "Epsilon spent" in text and "not published" in text
        for withheld in ("Values outside the domain", "total variation", "Exact matches", "identical to a real",
                         "rare real combinations", "data:image/png"):  # fmt: skip
            assert withheld not in text, withheld
    assert "source_rows" in (manifest := json.loads(_download(anonymous, release, "manifest.json").content))
    assert manifest["source_rows"] is None


def _pdf_text(content: bytes) -> str:
    import subprocess

    done = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(done.stdout.decode().split())


def test_a_kanonymous_report_shows_reviewers_the_marginal_distances_and_the_public_only_what_the_table_shows(
    dm, anonymous, personas
):
    """Reviewers see each released column's distance to the real values (and the risk before, the values
    outside the domain); the published report and PDF carry only figures recomputable from the published
    table: k, suppression, groups, the risk after, the levels."""
    frame = ctdc_frame(120)
    frame.loc[7, "citizenship"] = "XX"  # one person, outside the codebook
    assert post_new(dm, kanon_form(), ctdc_csv(frame)).status_code == 302
    release = only_release(personas)
    assert release.status == "ready", release.error
    tvd = release.report["utility"]["tvd_1way_by_column"]
    assert set(tvd) == set(COLUMNS) and all(0.0 <= v <= 1.0 for v in tvd.values())
    internal = dm.get(reverse("privacy:release", args=[release.pk])).content.decode()
    for shown in ("Marginals of single columns", "total variation distance", "Before: prosecutor risk",
                  "Values outside the domain", "Non-uniform entropy", "for your review only"):  # fmt: skip
        assert shown in internal, shown
    domain.review_release(release, by=personas.auditor, decision="approve", reason="Checked.")
    domain.publish_release(Release.objects.get(pk=release.pk), by=personas.data_manager)
    release.refresh_from_db()
    html = _download(anonymous, release, "report.html").content.decode()
    pdf_text = _pdf_text(_download(anonymous, release, "report.pdf").content)
    public_page = anonymous.get(reverse("published:release", args=[release.pk])).content.decode()
    for text in (html, pdf_text):
        assert "Achieved k" in text and "Records suppressed" in text and "After: prosecutor risk" in text
        assert "not published" in text
    for text in (html, pdf_text, public_page):
        for withheld in ("total variation", "Marginals of single columns", "Before: prosecutor risk",
                         "Values outside the domain", "Non-uniform entropy"):  # fmt: skip
            assert withheld not in text, withheld
