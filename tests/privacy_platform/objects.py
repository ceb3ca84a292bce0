"""Release objects for the permission matrix and the isolation tests: an uploaded dataset, releases in
every state (made through the domain, with the engine on a tiny table), and CTDC files to upload."""

from __future__ import annotations

import datetime
import io
from typing import Any

import numpy as np
import pandas as pd
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ctm.cases.domain import consent as consent_domain
from ctm.cases.domain.screening import update_victim_context
from ctm.privacy.domain import datasets, releases
from ctm.privacy.models import Release
from tests.factories import make_case

NOTICE = "By using this data you agree to the Terms of Use: https://www.ctdatacollaborative.org/terms-use"
QI = ["gender", "ageBroad", "citizenship", "yearOfRegistration"]
COLUMNS = [*QI, "Datasource", "isForcedLabour", "typeOfExploitConcatenated"]
KANON = {"k": 3, "qi": QI, "sensitive": None, "l": None, "suppression_limit": 0.1, "columns": COLUMNS}


def ctdc_frame(n: int = 120, seed: int = 7, source: str = "Case Management") -> pd.DataFrame:
    """A fictional table in the CTDC schema (strings, as the engine reads them)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "gender": rng.choice(["Female", "Male"], n),
            "ageBroad": rng.choice(["9--17", "18--20", "21--23", "30--38", "39--47"], n),
            "citizenship": rng.choice(["MD", "UA", "RO", "PH"], n),
            "yearOfRegistration": rng.choice(["2019", "2020", "2021"], n),
            "Datasource": [source] * n,
            "isForcedLabour": rng.choice(["0", "1"], n),
            "typeOfExploitConcatenated": rng.choice(["Forced labour", "Sexual exploitation"], n),
        }
    )
    return frame.astype(object)


def ctdc_csv(frame: pd.DataFrame, *, notice: bool = True, sep: str = ";") -> bytes:
    """CSV as CTDC publishes it: the terms-of-use notice as the first header cell over an empty column."""
    out = frame.copy()
    if notice:
        out.insert(0, NOTICE, "")
    return out.to_csv(index=False, sep=sep).encode()


def xlsx_bytes(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    return buffer.getvalue()


def research_cases(by: Any, n: int, *, context: bool = True) -> list[Any]:
    """n cases whose person allows research use since a month ago (all in the home organization)."""
    given_on = timezone.localdate() - datetime.timedelta(days=30)
    cases = []
    for i in range(n):
        case = make_case(by, given=f"Research{i}", family="Person", birth=datetime.date(1990 + i % 8, 3, 1))
        consent_domain.record_consent(case, by=by, data={"scope": "research", "given_on": given_on})
        if context:
            update_victim_context(
                case,
                by=by,
                data={"exploitation_types": ["ForcedLabour"], "exploitation_country": ["RU", "TR"][i % 2]},
            )
        cases.append(case)
    return cases


def upload(membership: Any, frame: pd.DataFrame | None = None, label: str = "fixture upload") -> Any:
    return datasets.upload_dataset(
        by=membership, frame=ctdc_frame() if frame is None else frame, filename="x.csv", label=label
    )


def make_release(membership: Any, *, label: str = "fixture release", dataset: Any = None) -> Release:
    """A k-anonymous release of a tiny upload, run at once (jobs are inline in the tests)."""
    dataset = dataset or upload(membership)
    release = releases.create_release(
        by=membership, dataset=dataset, label=label, method="kanon", parameters=dict(KANON)
    )
    release.refresh_from_db()
    return release


def approved(p: Any, **kwargs: Any) -> Release:
    release = make_release(p.data_manager, **kwargs)
    return releases.review_release(release, by=p.auditor, decision="approve", reason="Risk is low.")


def published(p: Any, **kwargs: Any) -> Release:
    return releases.publish_release(approved(p, **kwargs), by=p.data_manager)


def privacy_objects(p: Any) -> dict[str, int]:
    """pks of a release awaiting approval, an approved one and a published one of the home organization."""
    dataset = upload(p.data_manager)
    return {
        "ready": make_release(p.data_manager, dataset=dataset).pk,
        "approved": approved(p, dataset=dataset).pk,
        "published": published(p, dataset=dataset).pk,
    }


# --- the new-release page ---------------------------------------------------------------------------


def kanon_form(**extra):
    data = {
        "label": "Shelter data 2019-2021",
        "source": "upload",
        "domain": "ctdc",
        "method": "kanon",
        "columns": ",".join(COLUMNS),
        "k": "4",
        "qi": ",".join(QI),
        "sensitive": "",
        "suppression_limit": "0.1",
        "synthesis_method": "mst-plus",
        "epsilon": "1",
        "seed": "0",
    }
    data.update(extra)
    return data


def synthetic_form(**extra):
    return kanon_form(
        **{"method": "synthetic", "synthesis_method": "pacsynth", "epsilon": "1", "seed": "3", **extra}
    )


def upload_file(data: bytes, name: str = "ctdc.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def post_new(client, data, file_bytes=None, name="ctdc.csv"):
    if file_bytes is not None:
        data = {**data, "file": upload_file(file_bytes, name)}
    return client.post(reverse("privacy:new_release"), data)


def fake_synthesize(
    frame: pd.DataFrame, config: dict[str, Any], tick: Any = None
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """A stand-in for the engine's synthesis (fast and deterministic) where only the workflow matters."""
    from ctm.privacy.engine import utility_report

    columns = config.get("columns") or list(frame.columns)
    synthetic = frame[columns].sample(frac=1.0, random_state=config.get("seed") or 0).reset_index(drop=True)
    report = {
        "command": "synthesize",
        **config,
        "delta": 1e-4,
        "utility": utility_report(frame[columns], synthetic),
    }
    return synthetic, report
