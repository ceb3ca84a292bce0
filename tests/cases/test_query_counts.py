"""Query-count guards: a list page costs the same number of queries for 1 item as for 3."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ctm.accounts.domain.auth import create_api_token
from ctm.cases.domain.notes import add_note
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_case_list_queries_do_not_grow(client, personas):
    client.force_login(personas.case_manager.user)
    url = reverse("cases:list") + "?status=Active"
    one = count(client, url)
    make_case(personas.caseworker, given="A", family="B")
    make_case(personas.caseworker, given="C", family="D")
    assert count(client, url) == one


def test_activity_log_queries_do_not_grow(client, personas):
    client.force_login(personas.auditor.user)
    url = reverse("core:activity")
    one = count(client, url)
    add_note(personas.case, by=personas.caseworker, body="a")
    add_note(personas.case, by=personas.caseworker, body="b")
    assert count(client, url) == one


def test_token_list_queries_do_not_grow(client, personas):
    client.force_login(personas.caseworker.user)
    url = reverse("accounts:tokens")
    create_api_token(personas.caseworker, name="one", by=personas.caseworker.user)
    one = count(client, url)
    create_api_token(personas.caseworker, name="two", by=personas.caseworker.user)
    create_api_token(personas.caseworker, name="three", by=personas.caseworker.user)
    assert count(client, url) == one


def test_case_page_queries_do_not_grow_with_notes(client, personas):
    client.force_login(personas.caseworker.user)
    url = reverse("cases:detail", args=[personas.case.number])
    add_note(personas.case, by=personas.caseworker, body="a")
    one = count(client, url)
    add_note(personas.case, by=personas.caseworker, body="b")
    add_note(personas.case, by=personas.caseworker, body="c")
    assert count(client, url) == one
