"""Helper process of the end-to-end worker tests: prepares jobs in a real database, reports their state.

    CTM_DATABASE_URL=... python tests/runtime/e2e.py setup '{"org": "E1", "estimate": 40, ...}'
    CTM_DATABASE_URL=... python tests/runtime/e2e.py state

Prints one line of JSON. Jobs are queued through the same domain functions as the pages
(`create_estimate`, `start_run`, `create_release`) on the database backend, as in production.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def setup(spec: dict) -> dict:
    from types import SimpleNamespace

    import pandas as pd

    from ctm.core.enums import Role
    from ctm.linkage.domain.estimates import create_estimate
    from ctm.linkage.domain.runs import start_run
    from ctm.linkage.engine import generate_lists, table_from_frame
    from ctm.privacy.domain import releases
    from tests import factories as f
    from tests.linkage_platform.objects import PARAMS, SMALL_TABLE
    from tests.privacy_platform.objects import KANON, upload

    org = f.make_org(spec["org"], "MD", name=f"E2E {spec['org']}")
    member = f.make_member(org, Role.DATA_MANAGER, f"dm-{spec['org'].lower()}")
    by = SimpleNamespace(user=member.user, organization=org, role=member.role, membership=member)
    by = member
    made: dict[str, int] = {}
    if "estimate" in spec:
        params = {**PARAMS, "bootstrap": spec["estimate"]}
        estimate = create_estimate(by=by, table=table_from_frame(SMALL_TABLE), label="e2e", parameters=params)
        made["estimate"] = estimate.pk
    if "people" in spec:
        lists, _truth = generate_lists(2, spec["people"], seed=3)
        run = start_run(by=by, uploads={k: pd.DataFrame(v) for k, v in lists.items()}, include_persons=False,
                        threshold=0.9)  # fmt: skip
        made["run"] = run.pk
    if spec.get("release"):
        release = releases.create_release(by=by, dataset=upload(member), label="e2e", method="kanon",
                                          parameters=dict(KANON))  # fmt: skip
        made["release"] = release.pk
    return made


def seed_backup() -> dict:
    """Cases with attachments, an uploaded dataset, a published release (jobs run at once here)."""
    from django.conf import settings

    from ctm.cases.domain.notes import add_attachment
    from tests import factories as f
    from tests.conftest import Personas
    from tests.privacy_platform.objects import published

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    p = Personas()
    add_attachment(p.case, by=p.caseworker, filename="statement.txt", data="Déclaration de Olga Petrova".encode())
    for i in range(5):
        case = f.make_case(p.caseworker, given=f"Ana{i}", family="Moraru")
        add_attachment(case, by=p.caseworker, filename=f"note{i}.txt", data=f"Note {i} of {case.number}".encode() * (50 + i))
    release = published(p)
    return {"case": p.case.number, "release": release.pk}


def fingerprint() -> dict:
    """What must read back after a restore: rows per table, every person's decrypted identity, every
    encrypted file's decrypted bytes, every published file (as SHA-256 sums)."""
    import hashlib
    from pathlib import Path

    from django.conf import settings

    from ctm.cases.models import Person
    from ctm.core import crypto
    from ctm.core.encrypted import registered_blobs
    from ctm.runtime.domain.backup import table_counts

    def sha(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()

    persons = {str(p.pk): sha(f"{p.given_name}|{p.family_name}|{p.birth_date}".encode())
               for p in Person._base_manager.all()}  # fmt: skip
    blobs = {}
    for entry in registered_blobs():
        for row in entry.model._base_manager.all():
            data = crypto.decrypt_bytes(getattr(row, entry.key_field), bytes(getattr(row, entry.blob_field)),
                                        entry.context(row))  # fmt: skip
            blobs[f"{entry.name}:{row.pk}"] = sha(data)
    root = Path(settings.CTM_RELEASES_DIR)
    files = {str(path.relative_to(root)): sha(path.read_bytes()) for path in sorted(root.rglob("*")) if path.is_file()}
    return {"rows": table_counts(), "persons": persons, "blobs": blobs, "files": files}


def state() -> dict:
    from django_scopes import scopes_disabled
    from django_tasks_db.models import DBTaskResult

    from ctm.linkage.models import Estimate, LinkageRun
    from ctm.privacy.models import Release
    from ctm.runtime.models import WorkerHeartbeat

    def rows(model):
        with scopes_disabled():  # a probe of every organization's jobs, outside any request
            return {str(r.pk): {"status": r.status, "error": getattr(r, "error_text", r.error), "progress": r.progress}
                    for r in model.objects.all()}  # fmt: skip

    return {
        "estimate": rows(Estimate),
        "run": rows(LinkageRun),
        "release": rows(Release),
        "tasks": [
            {"task": t.task_path.rsplit(".", 1)[-1], "args": t.args_kwargs["args"], "status": t.status,
             "workers": t.worker_ids, "exception": t.exception_class_path, "traceback": t.traceback}
            for t in DBTaskResult.objects.order_by("enqueued_at")
        ],
        "workers": [{"name": w.name, "stopped": w.stopped_at is not None, "pid": w.pid}
                    for w in WorkerHeartbeat.objects.all()],
    }


def main() -> None:
    import django

    django.setup()
    from ctm.core.reads import identifying_access
    from ctm.core.scopes import scopes_disabled

    # Like the test bodies (tests/conftest.py): the set-up and the probes span organizations and read
    # identities; the worker that runs the jobs enters each job's own scope.
    with scopes_disabled(), identifying_access("end-to-end test set-up and checks"):
        run(sys.argv[1])


def run(action: str) -> None:
    if action == "setup":
        print(json.dumps(setup(json.loads(sys.argv[2]))))
    elif action == "seed-backup":
        print(json.dumps(seed_backup()))
    elif action == "fingerprint":
        print(json.dumps(fingerprint()))
    else:
        print(json.dumps(state()))


if __name__ == "__main__":
    main()
