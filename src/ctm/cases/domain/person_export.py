"""A person's full record, decrypted, as a ZIP archive: the first half of an erasure (or an access request).

The record is found by following foreign keys from the person: every row of every model that points
to the person, to one of their cases, or to any row found so far (notes, attachments, guardians,
consents, events ... and whatever a later app links to a case). Activity-log entries about those rows
are part of the record too. The archive holds identifying data in plaintext: it is created with mode
0600, never overwrites a file, and the operator hands it over or stores it encrypted.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone

from ctm.cases.domain.notes import attachment_context
from ctm.cases.models import Attachment, Person
from ctm.core import crypto
from ctm.core.domain.activity import record
from ctm.core.models import ActivityLog

FORMAT = "ctm-person-export/1"
# Derived search keys and storage details: not part of what the person told us.
NOT_EXPORTED = frozenset({"name_birth_index", "number_index", "digest", "blob", "key_id"})
ERASURE_ACTIONS = ("cases.person.exported", "cases.person.erased")
NOTICE = """CTM export of one person's record.

This archive holds identifying data in plaintext. Keep it only as long as needed, on an encrypted,
access-restricted medium; hand it to the person or the data protection officer; then delete it.

record.json    the person, their cases and every linked row (decrypted), and their activity-log entries
manifest.json  what was exported, when, and the SHA-256 of every file in this archive
attachments/   the attachment files, decrypted
"""

Rows = dict[type[models.Model], set[Any]]


@dataclass(frozen=True)
class ExportInfo:
    path: Path
    sha256: str
    files: int
    rows: int


def linked_rows(person: Person) -> Rows:
    """Primary keys of every row that belongs to the person, found by following foreign keys to them."""
    found: Rows = {Person: {person.pk}}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                target = field.related_model if field.many_to_one or field.one_to_one else None
                if target not in found or target is model:
                    continue
                pks = set(
                    model._base_manager.filter(**{f"{field.attname}__in": found[target]}).values_list(
                        "pk", flat=True
                    )
                )
                if pks - found.get(model, set()):
                    found.setdefault(model, set()).update(pks)
                    grew = True
    return found


def activity_entries(rows: Rows) -> models.QuerySet[ActivityLog]:
    """The activity-log entries about the person or any of their rows."""
    q = Q(pk__in=[])
    for model, pks in rows.items():
        q |= Q(object_type=model._meta.label_lower, object_id__in=[str(pk) for pk in pks])
    return ActivityLog.objects.filter(q).order_by("id")


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (bytes, memoryview)):
        return None
    if isinstance(value, (str, int, float, bool, list, dict)) or value is None:
        return value
    return str(value)


def row_dict(obj: models.Model) -> dict[str, Any]:
    """Every stored field of a row, decrypted, foreign keys as ids."""
    return {
        f.attname: _plain(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.name not in NOT_EXPORTED
    }


def _entry_dict(entry: ActivityLog) -> dict[str, Any]:
    keys = ("created_at", "actor_label", "action", "object_type", "object_id", "object_label", "changes")
    return {k: _plain(getattr(entry, k)) for k in keys}


def _safe_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("._")[:100] or "file"


def attachment_files(pks: set[Any]) -> list[tuple[str, Attachment, bytes]]:
    """(path in the archive, attachment, decrypted bytes) of the person's attachments."""
    out = []
    for att in Attachment._base_manager.filter(pk__in=pks).order_by("pk"):
        data = crypto.decrypt_bytes(
            att.key_id, bytes(att.blob), attachment_context(att.organization_id, att.case_id)
        )
        out.append((f"attachments/{att.pk}-{_safe_name(att.filename)}", att, data))
    return out


def person_record(person: Person, rows: Rows, files: list[tuple[str, Attachment, bytes]]) -> dict[str, Any]:
    records = {
        model._meta.label_lower: [
            row_dict(obj) for obj in model._base_manager.filter(pk__in=pks).order_by("pk")
        ]
        for model, pks in sorted(rows.items(), key=lambda item: item[0]._meta.label_lower)
    }
    return {
        "format": FORMAT,
        "exported_at": timezone.now().isoformat(),
        "organization": person.organization.code,
        "person_id": person.pk,
        "records": records,
        "attachment_files": {str(att.pk): name for name, att, _data in files},
        "activity": [_entry_dict(e) for e in activity_entries(rows)],
    }


def _archive_bytes(data: dict[str, Any], files: list[tuple[str, Attachment, bytes]]) -> bytes:
    members = {
        "README.txt": NOTICE.encode(),
        "record.json": json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode(),
        **{name: content for name, _att, content in files},
    }
    manifest = {
        "format": FORMAT,
        "exported_at": data["exported_at"],
        "person_id": data["person_id"],
        "files": {name: hashlib.sha256(content).hexdigest() for name, content in members.items()},
    }
    members["manifest.json"] = json.dumps(manifest, indent=2, sort_keys=True).encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def write_private_file(path: Path, content: bytes) -> None:
    """Create `path` readable by its owner only; an existing file is never overwritten."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())


def export_person(person: Person, path: Path, *, by: Any, purpose: str = "erasure") -> ExportInfo:
    """Write the person's full record to a new ZIP at `path`; the export is logged (without its path).

    Runs inside the caller's transaction; the caller removes the file if that transaction fails.
    """
    rows = linked_rows(person)
    files = attachment_files(rows.get(Attachment, set()))
    content = _archive_bytes(person_record(person, rows, files), files)
    write_private_file(path, content)
    info = ExportInfo(
        path=path,
        sha256=hashlib.sha256(content).hexdigest(),
        files=len(files),
        rows=sum(len(pks) for pks in rows.values()),
    )
    record(
        "cases.person.exported",
        actor=by,
        organization=person.organization,
        obj=person,
        label=case_numbers_label(person),
        changes={
            "purpose": purpose,
            "rows": [None, info.rows],
            "files": [None, info.files],
            "sha256": [None, info.sha256],
        },
    )
    return info


def case_numbers_label(person: Person) -> str:
    return ", ".join(person.cases.order_by("pk").values_list("number", flat=True))[:120]
