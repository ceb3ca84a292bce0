"""Query-count guards: every list endpoint costs the same number of queries for 1 item as for 3."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ctm.cases.domain.consent import add_guardian, record_consent
from ctm.cases.domain.notes import add_note
from ctm.cases.domain.persons import add_document
from ctm.cases.domain.screening import add_event, propose_eligibility
from tests import factories as f
from tests.api.conftest import Caller, World

TODAY = datetime.date(2025, 1, 1)


def count_queries(caller: Caller, method: str, path: str, body: Any = None) -> int:
    caller.request(method, path, body)  # warm up (token's last use is written once)
    with CaptureQueriesContext(connection) as ctx:
        response = caller.request(method, path, body)
    assert response.status_code == 200, response.content
    return len(ctx.captured_queries)


def twin(world: World) -> Any:
    """Another case of the same person data in the home organization, owned by the caseworker."""
    return f.make_case(world.personas.caseworker)


def add_two(add: Callable[[World], None]) -> Callable[[World], None]:
    return lambda world: (add(world), add(world))  # type: ignore[func-returns-value]


def _part_adder(kind: str) -> Callable[[World], None]:
    def add(world: World) -> None:
        case, by = world.case, world.personas.caseworker
        if kind == "events":
            add_event(case, by=by, data={"event_type": "Transit", "country": "UA"})
        elif kind == "consents":
            record_consent(
                case, by=by, data={"scope": "research", "given_on": TODAY, "referral_organization": None}
            )
        elif kind == "notes":
            add_note(case, by=by, body="another")
        elif kind == "guardians":
            add_guardian(case, by=by, data={"name": "G", "relationship": "r"})
        elif kind == "eligibility":
            propose_eligibility(
                case,
                by=by,
                data={
                    "trafficking_status": "PossibleVictimOfTrafficking",
                    "decision_body": "NGO",
                    "decided_on": TODAY,
                },
            )

    return add


def _more_cases(world: World) -> None:
    for case in (twin(world), twin(world)):
        add_document(case, by=world.personas.caseworker, data={"kind": "passport", "number": "AB1234567"})


def _more_orgs(world: World) -> None:
    f.make_org()
    f.make_org()


LISTS = [
    ("cases", "caseworker", "GET", "/cases?minor=false&stage=screening", None, _more_cases),
    (
        "search_name",
        "caseworker",
        "POST",
        "/cases/search/name",
        {"full_name": "Olga Petrova", "birth_date": "1995-04-02"},
        _more_cases,
    ),
    ("search_document", "caseworker", "POST", "/cases/search/document", {"number": "AB1234567"}, _more_cases),
    (
        "duplicates",
        "caseworker",
        "POST",
        "/cases/duplicates",
        {"given_name": "Olga", "family_name": "Petrova", "birth_date": "1995-04-02"},
        _more_cases,
    ),
    ("organizations", "platform_admin", "GET", "/organizations", None, _more_orgs),
    *[
        (kind, "caseworker", "GET", "/cases/{number}/" + kind, None, add_two(_part_adder(kind)))
        for kind in ("events", "consents", "notes", "guardians", "eligibility")
    ],
]


@pytest.mark.parametrize(("name", "role", "method", "path", "body", "grow"), LISTS, ids=[x[0] for x in LISTS])
def test_list_query_count_does_not_grow(
    world: World, name: str, role: str, method: str, path: str, body: Any, grow: Callable[[World], None]
) -> None:
    caller = Caller(world.tokens[role])
    url = path.format(**world.ids)
    first_response = caller.request(method, url, body)
    one = count_queries(caller, method, url, body)
    grow(world)
    three = count_queries(caller, method, url, body)
    second_response = caller.request(method, url, body)
    before, after = len(_items(first_response.json())), len(_items(second_response.json()))
    assert after >= before + 2, (name, before, after)
    assert one == three, f"{name}: {one} queries for fewer items, {three} for more"


def _items(data: Any) -> list[Any]:
    return data["items"] if isinstance(data, dict) else data
