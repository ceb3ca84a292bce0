# The activity log's chain becomes keyed (HMAC-SHA256 under CTM_AUDIT_KEYS, kept outside the
# database). Existing entries are re-keyed here, once, on upgrade:
#   1. the old plain SHA-256 chain is verified as the old `ctm audit verify` did, plus what it skipped
#      (the form of redacted entries, and their number against what the erasures recorded);
#   2. every entry is sealed again under the first audit key, in the same order;
#   3. one entry `core.audit.rekeyed` is appended: how many entries, the old head, every problem
#      step 1 found (so a log changed before the upgrade is never laundered silently), and the
#      digest of the entries that were already redacted, which now name it as their erasure.
# The algorithm is written out here (frozen) rather than imported: a migration never imports app code.

import base64
import hashlib
import hmac
import json
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

GENESIS = "0" * 64
BATCH = 1000
MAX_LISTED_PROBLEMS = 50


def canonical(data):
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def sha(text):
    return hashlib.sha256(text.encode()).hexdigest()


def header(e):
    return {
        "created_at": e.created_at.isoformat(),
        "actor_id": e.actor_id,
        "actor_label": e.actor_label,
        "organization_id": e.organization_id,
        "action": e.action,
        "object_type": e.object_type,
        "object_id": e.object_id,
    }


def payload(e):
    return {"object_label": e.object_label, "changes": e.changes}


def first_key():
    key_id, _, material = settings.CTM_AUDIT_KEYS.split(",")[0].strip().partition(":")
    master = base64.urlsafe_b64decode(material.encode())
    chain_key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"ctm activity-log chain v1"
    ).derive(master)
    return key_id, lambda text: hmac.new(chain_key, text.encode(), hashlib.sha256).hexdigest()


def legacy_problems(Log, Head):
    problems, prev, redacted, attested = [], GENESIS, 0, 0
    for e in Log.objects.order_by("id").iterator(chunk_size=BATCH):
        if e.prev_hash != prev:
            problems.append([e.id, "previous entry missing or changed (chain broken)"])
        if e.redacted:
            redacted += 1
            if e.object_label or e.changes != {"redacted": True}:
                problems.append([e.id, "marked redacted, but its content is not a redaction"])
        elif sha(canonical(payload(e))) != e.payload_digest:
            problems.append([e.id, "content changed"])
        if sha(canonical({"prev": e.prev_hash, "header": header(e), "payload": e.payload_digest})) != e.hash:
            problems.append([e.id, "header or hash changed"])
        if e.action == "cases.person.erased":
            attested += int((e.changes.get("entries_redacted") or [0, 0])[-1] or 0)
        prev = e.hash
    head = Head.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        problems.append([None, "last entries removed (chain head does not match)"])
    if redacted != attested:
        problems.append([None, f"{redacted} entries are marked redacted, erasures recorded {attested}"])
    return problems, prev


def rekey_legacy_chain(apps, schema_editor):
    Log = apps.get_model("core", "ActivityLog")
    Head = apps.get_model("core", "ChainHead")
    if not Log.objects.filter(key_id="").exists():
        return
    problems, old_head = legacy_problems(Log, Head)
    key_id, mac = first_key()
    prev, count, redacted, batch = GENESIS, 0, [], []
    for e in Log.objects.order_by("id").iterator(chunk_size=BATCH):
        e.key_id = key_id
        if not e.redacted:  # a redacted entry keeps the digest of the payload it had (gone now)
            e.payload_digest = mac(canonical({"payload": payload(e)}))
        e.prev_hash = prev
        e.hash = mac(canonical({"prev": prev, "header": header(e), "payload": e.payload_digest}))
        prev, count = e.hash, count + 1
        if e.redacted:
            redacted.append(e)
        batch.append(e)
        if len(batch) >= BATCH:
            Log.objects.bulk_update(batch, ["key_id", "payload_digest", "prev_hash", "hash"])
            batch = []
    Log.objects.bulk_update(batch, ["key_id", "payload_digest", "prev_hash", "hash"])

    pairs = sorted([e.id, e.hash] for e in redacted)
    entry = Log(
        created_at=timezone.now(),
        actor_label="ctm migrate",
        action="core.audit.rekeyed",
        changes={
            "entries": [None, count],
            "from_key": [None, "sha256 (unkeyed)"],
            "to_key": [None, key_id],
            "previous_head": [None, old_head],
            "legacy_problem_count": [None, len(problems)],
            "legacy_problems": [None, problems[:MAX_LISTED_PROBLEMS]],
            "entries_redacted": [None, len(redacted)],
            "redaction_digest": [None, sha(canonical(pairs))],
        },
        prev_hash=prev,
        key_id=key_id,
    )
    entry.payload_digest = mac(canonical({"payload": payload(entry)}))
    entry.hash = mac(canonical({"prev": prev, "header": header(entry), "payload": entry.payload_digest}))
    entry.save()
    Log.objects.filter(pk__in=[e.id for e in redacted]).update(changes={"redacted": True, "erasure": entry.pk})
    head, _ = Head.objects.get_or_create(pk=1)
    head.last_hash, head.key_id = entry.hash, key_id
    head.mac = mac(canonical({"head": entry.hash}))
    head.save()
    if problems:
        sys.stdout.write(
            f"\n  The activity log had {len(problems)} problem(s) before the upgrade; they are recorded "
            f"in entry {entry.pk} (core.audit.rekeyed) and shown by `ctm audit verify`.\n"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_remove_organization_retention_years"),
    ]

    operations = [
        migrations.AddField(
            model_name="activitylog",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.AddField(
            model_name="chainhead",
            name="key_id",
            field=models.CharField(blank=True, default="", max_length=16),
        ),
        migrations.AddField(
            model_name="chainhead",
            name="mac",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        # Not reversible: the old plain chain cannot be rebuilt without the payloads of redacted entries.
        migrations.RunPython(rekey_legacy_chain, migrations.RunPython.noop, elidable=False),
    ]
