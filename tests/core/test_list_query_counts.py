"""Query-count guards for the remaining list pages: a page costs the same for 1 item as for 3."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ctm.core.enums import Role
from ctm.core.models import Office
from tests.factories import make_case, make_member, make_org

pytestmark = pytest.mark.django_db


def queries(client, method, url, data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


def test_organization_page_queries_do_not_grow_with_members_and_offices(client, personas):
    client.force_login(personas.org_admin.user)
    url = reverse("core:organization")
    one = queries(client, "get", url)
    for code in ("E1", "E2"):
        Office.objects.create(organization=personas.org, name=f"Office {code}", code=code, country="MD")
    make_member(personas.org, Role.CASEWORKER)
    make_member(personas.org, Role.AUDITOR)
    assert queries(client, "get", url) == one


def test_platform_organizations_queries_do_not_grow(client, personas):
    client.force_login(personas.platform_admin)
    url = reverse("core:platform_organizations")
    one = queries(client, "get", url)
    for code in ("QA", "QB"):
        org = make_org(code)
        make_member(org, Role.ORG_ADMIN)
    assert queries(client, "get", url) == one


def test_search_results_queries_do_not_grow(client, personas):
    client.force_login(personas.case_manager.user)
    url = reverse("cases:search")
    data = {"full_name": "Olga Petrova", "birth_date": "1995-04-02"}
    one = queries(client, "post", url, data)
    added = [make_case(personas.caseworker), make_case(personas.caseworker)]
    assert queries(client, "post", url, data) == one
    page = client.post(url, data).content.decode()
    assert all(case.number in page for case in [personas.case, *added])
