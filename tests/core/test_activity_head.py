"""Appending to the chain without re-reading the head: a compare-and-set on the hash this thread last
wrote. Whenever that hash is no longer the head (an entry rolled back, another writer), the entry
chains on the real head, read under lock: the chain never forks."""

from __future__ import annotations

import contextlib

import pytest
from django.db import transaction

from ctm.core.domain import activity
from ctm.core.domain.activity import record, verify_chain
from ctm.core.models import ActivityLog, ChainHead


class Rollback(Exception):
    pass


def entry(label: str) -> ActivityLog:
    return record("core.test.entry", actor="test", label=label)


def test_consecutive_entries_chain_without_reading_the_head(db, django_assert_num_queries):
    first = entry("first")
    with django_assert_num_queries(2):  # head moved by compare-and-set, entry (in the test's transaction: no savepoint)
        second = entry("second")
    assert second.prev_hash == first.hash
    assert ChainHead.objects.get(pk=1).last_hash == second.hash
    assert verify_chain()[1] == []


def test_an_entry_rolled_back_is_not_chained_on(db):
    first = entry("first")
    with pytest.raises(Rollback), transaction.atomic():
        entry("undone")
        raise Rollback
    third = entry("third")
    assert third.prev_hash == first.hash
    assert verify_chain()[1] == []


def test_an_entry_of_another_writer_is_chained_on(db):
    first = entry("first")
    activity._last_head.last_hash = None  # another process: it knows no head of its own
    theirs = entry("theirs")
    activity._last_head.last_hash = first.hash  # back in this one: its last write is no longer the head
    mine = entry("mine")
    assert mine.prev_hash == theirs.hash
    assert verify_chain()[1] == []


def test_a_change_is_not_committed_without_its_entry_even_when_the_failure_is_caught(db, monkeypatch):
    """The entry is a part of the caller's transaction, not a savepoint inside it: a caller that
    catches the failure of the entry cannot commit its change anyway."""
    from django.db import DatabaseError

    from ctm.core.models import Organization

    org = Organization.objects.create(name="Before", code="BEF")

    def failing_save(self, *args, **kwargs):
        raise DatabaseError("disk full")

    with pytest.raises(DatabaseError), transaction.atomic():
        Organization.objects.filter(pk=org.pk).update(name="After")
        monkeypatch.setattr(ActivityLog, "save", failing_save)
        with contextlib.suppress(DatabaseError):  # a careless caller: carries on as if it had been written
            entry("the change's entry")
        monkeypatch.undo()
        Organization.objects.filter(pk=org.pk).update(name="After, again")
    assert Organization.objects.get(pk=org.pk).name == "Before"
