"""The records behind a run, decrypted only in memory: the organization's persons and uploaded lists."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

from ctm.cases.models import Person
from ctm.core import crypto
from ctm.core.reads import identifying_access
from ctm.linkage.models import LinkageRun, LinkedRecord, ListUpload

COLUMNS = ("record_id", "given_name", "family_name", "birth_date", "sex", "citizenship", "document_number")
PERSONS = "persons"
UPLOAD = "upload"
SEX = {"Feminine": "F", "Masculine": "M"}


def upload_context(organization_id: int, run_id: int) -> str:
    return f"linkage-upload:{organization_id}:{run_id}"


def _person_row(person: Person) -> dict[str, str]:
    documents = sorted(person.documents.all(), key=lambda d: d.pk)
    return {
        "record_id": str(person.pk),
        "given_name": person.given_name or "",
        "family_name": person.family_name or "",
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "sex": SEX.get(person.gender, ""),
        "citizenship": (person.citizenships or [""])[0],
        "document_number": documents[0].number if documents else "",
    }


def person_count(organization_id: int) -> int:
    return Person.objects.filter(organization_id=organization_id).filter(erased_at__isnull=True).count()


def person_records(organization_id: int, ids: list[str] | None = None) -> pd.DataFrame:
    """The organization's persons (not erased) as a list for the engine; plaintext in memory only."""
    qs = Person.objects.filter(organization_id=organization_id).filter(erased_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    # Logged by the caller: the run (linkage.persons.linked) or the clerical review (linkage.pair.viewed).
    with identifying_access("a linkage list of the organization's persons"):
        rows = [_person_row(p) for p in qs.prefetch_related("documents").order_by("pk")]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def frame_to_bytes(frame: pd.DataFrame) -> bytes:
    return frame[list(COLUMNS)].to_csv(index=False).encode("utf-8")


def upload_frame(upload: ListUpload) -> pd.DataFrame:
    data = crypto.decrypt_bytes(
        upload.key_id, bytes(upload.blob), upload_context(upload.organization_id, upload.run_id)
    )
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)


def record_details(run: LinkageRun, record: LinkedRecord) -> dict[str, Any]:
    """One record's identifying fields, for the clerical reviewer's eyes (the caller logs the read)."""
    source = next((item["source"] for item in run.lists if item["name"] == record.list_name), UPLOAD)
    if source == PERSONS:
        frame = person_records(run.organization_id, [record.record_id])
    else:
        upload = ListUpload.objects.filter(run=run, name=record.list_name).first()
        frame = upload_frame(upload) if upload is not None else pd.DataFrame(columns=list(COLUMNS))
        frame = frame[frame["record_id"].astype(str) == record.record_id]
    values = frame.iloc[0].to_dict() if len(frame) else dict.fromkeys(COLUMNS, "")
    return {
        "list": record.list_name,
        "cluster_id": record.cluster_id,
        **values,
        "record_id": record.record_id,
    }
