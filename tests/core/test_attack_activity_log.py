"""Attacks on the activity log's head on one connection (every backend; the races between connections
are in tests/concurrency/test_attack_activity_chain.py): a savepoint rolled back between two entries of
a transaction that commits, and an entry whose write fails outside any transaction: the head never
points at an entry that is not there, and the chain verifies."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from ctm.core.domain.activity import record, verify_chain
from ctm.core.models import ActivityLog, ChainHead


class Undo(Exception):
    pass


def _entry(label: str) -> ActivityLog:
    return record("core.test.entry", actor="test", label=label)


def _labels() -> list[str]:
    return list(
        ActivityLog.objects.filter(action="core.test.entry")
        .order_by("id")
        .values_list("object_label", flat=True)
    )


def test_an_entry_in_a_savepoint_rolled_back_leaves_the_next_one_on_the_entry_before(db):
    with transaction.atomic():
        before = _entry("before")
        with pytest.raises(Undo), transaction.atomic():
            _entry("inside")
            raise Undo
        after = _entry("after")
    assert after.prev_hash == before.hash
    assert _labels() == ["before", "after"]
    assert ChainHead.objects.get(pk=1).last_hash == after.hash
    assert verify_chain()[1] == []


def test_an_entry_whose_write_fails_outside_a_transaction_does_not_move_the_head(
    transactional_db, monkeypatch
):
    first = _entry("first")

    def failing_save(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(ActivityLog, "save", failing_save)
    with pytest.raises(DatabaseError):
        _entry("lost")
    monkeypatch.undo()
    assert ChainHead.objects.get(pk=1).last_hash == first.hash
    second = _entry("second")
    assert second.prev_hash == first.hash
    assert _labels() == ["first", "second"]
    assert verify_chain()[1] == []
