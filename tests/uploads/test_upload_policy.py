"""One upload policy for every upload endpoint: no temporary file, and hostile files refused at once.

Endpoints: a case attachment, a linkage list (CSV/XLSX), a linkage overlap table (CSV), a release
dataset (CSV/XLSX/Parquet). The API takes no file upload (checked below).

"No temporary file": Django's default handlers spool an upload larger than FILE_UPLOAD_MAX_MEMORY_SIZE
to a plaintext file (deleted after the request, so an empty folder afterwards proves nothing). Here
the limit is 16 bytes, the temporary folders point at a folder that does not exist (creating a file
there fails, even as root) and every `tempfile` function records its calls.
"""

from __future__ import annotations

import functools
import importlib
import json
import tempfile
import time
import tracemalloc
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from ctm.core.enums import Role
from tests import factories as f
from tests.linkage_platform.conftest import TABLE_CSV, list_csv, upload
from tests.privacy_platform.objects import ctdc_csv, ctdc_frame, kanon_form, post_new
from tests.uploads import bombs

pytestmark = pytest.mark.django_db

SECONDS = 10  # CPU seconds of this process (wall time on a shared machine says little)
PEAK_BYTES = 100 * 2**20  # Python memory allocated while refusing (the bombs expand to 300 MB+)


@pytest.fixture
def temp_calls(settings, monkeypatch, tmp_path):
    absent = tmp_path / "absent"
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 16
    settings.FILE_UPLOAD_TEMP_DIR = str(absent)
    monkeypatch.setattr(tempfile, "tempdir", str(absent))
    calls: list[str] = []
    for name in ("NamedTemporaryFile", "TemporaryFile", "SpooledTemporaryFile", "mkstemp", "mkdtemp"):
        real = getattr(tempfile, name)

        def spy(*args, _name=name, _real=real, **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(tempfile, name, spy)
    yield calls
    assert not absent.exists()


# --- the endpoints ---------------------------------------------------------------------------------


def post_attachment(client, personas, name, data):
    client.force_login(personas.caseworker.user)
    url = reverse("cases:add_attachment", args=[personas.case.number])
    return client.post(url, {"file": upload(name, data, "application/octet-stream"), "description": ""})


def post_linkage_list(client, personas, name, data):
    client.force_login(personas.data_manager.user)
    return client.post(
        reverse("linkage:new_run"),
        {
            "label": "",
            "threshold": "0.9",
            "seed": 42,
            "files": [upload(name, data, "application/octet-stream")],
        },
    )


def post_overlap_table(client, personas, name, data):
    client.force_login(personas.data_manager.user)
    form = {"source": "upload", "file": upload(name, data), "method": "stepwise", "max_order": 2,
            "bootstrap": 0, "seed": 7, "threshold": ""}  # fmt: skip
    return client.post(reverse("linkage:new_estimate"), form)


def post_release_dataset(client, personas, name, data):
    client.force_login(personas.data_manager.user)
    return post_new(client, kanon_form(), data, name=name)


def post_fund_document(client, personas, name, data):
    from tests import factories as f
    from tests.funds.objects import fund_with_reviewer, in_review

    fund, reviewer = fund_with_reviewer(f.make_org("FND", "CH"))
    request = in_review(personas.caseworker, fund, reviewer, case=personas.case)
    client.force_login(personas.caseworker.user)
    return client.post(reverse("funds:add_document", args=[request.pk]),
                       {"file": upload(name, data, "application/octet-stream"), "kind": "supporting"})  # fmt: skip


ENDPOINTS = {
    "attachment": post_attachment,
    "fund document": post_fund_document,
    "linkage list": post_linkage_list,
    "overlap table": post_overlap_table,
    "release dataset": post_release_dataset,
}


def good_file(endpoint: str) -> tuple[str, bytes]:
    people = [(f"R-{n}", f"Given{n}", "Rusu", "1990-01-02", "F", "MD", "") for n in range(40)]
    return {
        "attachment": ("letter.txt", b"A letter about the case.\n" * 200),
        "fund document": ("receipt.txt", b"Receipt: 40 EUR, shelter night.\n" * 200),
        "linkage list": ("shelter.csv", list_csv(people)),
        "overlap table": ("table.csv", TABLE_CSV),
        "release dataset": ("ctdc.csv", ctdc_csv(ctdc_frame())),
    }[endpoint]


def field_errors(response) -> str:
    form = response.context["form"]
    return " ".join(" ".join(v) for v in form.errors.values())


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_an_upload_never_writes_a_temporary_file(endpoint, client, personas, temp_calls):
    name, data = good_file(endpoint)
    assert len(data) > 16
    response = ENDPOINTS[endpoint](client, personas, name, data)
    assert response.status_code == 302, field_errors(response) if response.context else response
    assert temp_calls == []


# The API operations that take a file: each goes through the same upload handlers as the pages above
# (settings.FILE_UPLOAD_HANDLERS, in memory only), and its page twin is in ENDPOINTS.
API_UPLOADS = {("post", "/api/v1/funds/requests/{request_id}/documents")}


def test_the_api_takes_files_only_where_the_policy_is_tested():
    """If another API operation takes a file, it must join the list above (and its test)."""
    schema = json.loads((Path(__file__).resolve().parents[2] / "docs" / "openapi.json").read_text())
    taking_files = {
        (method, path)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
        if "multipart/form-data" in json.dumps(operation.get("requestBody", {}))
    }
    assert taking_files == API_UPLOADS


# --- hostile files ---------------------------------------------------------------------------------

BOMBS = {
    "ratio": functools.cache(bombs.ratio_bomb),
    "lying size": functools.cache(bombs.lying_bomb),
    "far row": functools.cache(bombs.far_row_bomb),
    "far header": functools.cache(bombs.far_header_bomb),
    "wide rows": functools.cache(lambda: bombs.wide_row_bomb(5_000)),
    "XML entities": functools.cache(bombs.entity_bomb),
    "Parquet rows": functools.cache(bombs.parquet_rows_bomb),
}
# endpoint -> bombs it must refuse, and a word of the message on the field
CASES = [
    ("attachment", "ratio", "zip bomb"),
    ("attachment", "lying size", "damaged"),
    ("linkage list", "ratio", "zip bomb"),
    ("linkage list", "lying size", "damaged"),
    ("linkage list", "far row", "empty rows in a row"),
    ("linkage list", "far header", "empty rows in a row"),
    ("linkage list", "wide rows", "columns"),
    ("linkage list", "XML entities", "forbidden XML"),
    ("overlap table", "ratio", "not a CSV"),
    ("release dataset", "ratio", "zip bomb"),
    ("release dataset", "lying size", "damaged"),
    ("release dataset", "far row", "empty rows in a row"),
    ("release dataset", "far header", "empty rows in a row"),
    ("release dataset", "wide rows", "columns"),
    ("release dataset", "XML entities", "forbidden XML"),
    ("release dataset", "Parquet rows", "rows"),
]


@pytest.mark.parametrize(("endpoint", "bomb", "message"), CASES, ids=[f"{e}-{b}" for e, b, _ in CASES])
def test_hostile_files_are_refused_at_once(endpoint, bomb, message, client, personas, temp_calls):
    data = BOMBS[bomb]()
    name = "data.parquet" if bomb.startswith("Parquet") else "list.xlsx"
    importlib.import_module(settings.ROOT_URLCONF)  # the first request's imports are not the refusal's
    tracemalloc.start()
    started = time.process_time()
    try:
        response = ENDPOINTS[endpoint](client, personas, name, data)
        elapsed = time.process_time() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400, response
    errors = field_errors(response)
    assert message in errors, errors
    assert elapsed < SECONDS, f"{elapsed:.1f} s"
    assert peak < PEAK_BYTES, f"{peak / 2**20:.0f} MB"
    assert temp_calls == []


def test_a_refused_attachment_is_not_stored(client, personas):
    from ctm.cases.models import Attachment

    response = post_attachment(client, personas, "bomb.xlsx", BOMBS["ratio"]())
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_an_ordinary_xlsx_list_and_dataset_still_read(client, personas, tmp_path):
    import pandas as pd

    frame = pd.DataFrame(
        [(f"R-{n}", "Ana", "Pop", "1990-01-02", "F", "MD", "") for n in range(30)],
        columns=list(bombs.HEADER),
    )
    path = tmp_path / "list.xlsx"
    frame.to_excel(path, index=False)
    response = post_linkage_list(client, personas, "list.xlsx", path.read_bytes())
    assert response.status_code == 302, field_errors(response)


def test_a_member_of_another_role_gets_nothing_parsed(client, personas):
    """Sanity: the bombs are refused by the reader, not by a permission check."""
    other = f.make_member(personas.org, Role.DATA_MANAGER, "dm2")
    client.force_login(other.user)
    response = client.post(
        reverse("linkage:new_run"),
        {"label": "", "threshold": "0.9", "seed": 42, "files": [upload("x.xlsx", BOMBS["far row"]())]},
    )
    assert response.status_code == 400 and "empty rows in a row" in field_errors(response)
