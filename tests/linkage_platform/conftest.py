"""Helpers for the linkage pages: a data manager's client, upload files, persons with duplicates."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ctm.cases.domain import persons as person_domain
from tests.factories import make_case

TABLE_CSV = b"A,B,C,count\n1,0,0,60\n0,1,0,50\n0,0,1,40\n1,1,0,20\n1,0,1,15\n0,1,1,12\n1,1,1,5\n"

# (given, family, birth, citizenship, document): the second of each group is the same person written
# another way (Cyrillic, Arabic script, swapped order, a typo, a missing accent).
PEOPLE = [
    ("Olga", "Petrova", datetime.date(1995, 4, 2), "MD", "AB123456"),
    ("Ольга", "Петрова", datetime.date(1995, 4, 2), "MD", "AB123456"),
    ("Mohammed", "Haddad", datetime.date(1988, 7, 19), "SY", ""),
    ("محمد", "حداد", datetime.date(1988, 7, 19), "SY", ""),
    ("Nguyen", "Thi Lan", datetime.date(2001, 1, 30), "VN", "C7654321"),
    ("Thi Lan", "Nguyen", datetime.date(2001, 1, 30), "VN", "C7654321"),
    ("José", "Núñez", datetime.date(1979, 11, 5), "ES", ""),
    ("Jose", "Nunez", datetime.date(1979, 11, 5), "ES", ""),
    ("Svetlana", "Ivanova", datetime.date(1990, 3, 3), "UA", "FA998877"),
    ("Svetlana", "Ivanva", datetime.date(1990, 3, 3), "UA", "FA998877"),
    ("Amina", "Suleiman", datetime.date(1999, 9, 9), "SD", ""),
    ("Ioana", "Popescu", datetime.date(1985, 6, 14), "RO", "RX100200"),
    ("Maria", "Santos", datetime.date(1993, 2, 21), "BR", ""),
    ("Tatiana", "Rusu", datetime.date(1997, 12, 1), "MD", "MD555444"),
    ("Khaled", "Mansour", datetime.date(1982, 8, 8), "EG", ""),
    ("Fatima", "Zahra", datetime.date(2003, 5, 17), "MA", "MA0001"),
    ("Anna", "Kowalska", datetime.date(1991, 10, 10), "PL", ""),
    ("Somchai", "Boonmee", datetime.date(1980, 4, 4), "TH", "TH777"),
    ("Lucia", "Ferreira", datetime.date(1994, 7, 7), "PT", ""),
    ("Elena", "Morozova", datetime.date(1989, 1, 1), "RU", "RU4242"),
]
PLAIN_NAMES = ["Olga", "Petrova", "Ольга", "Haddad", "Mohammed", "Núñez", "Svetlana", "Ivanova", "Popescu"]


def upload(name: str, data: bytes, content_type: str = "text/csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def list_csv(rows: list[tuple]) -> bytes:
    lines = ["record_id,given_name,family_name,birth_date,sex,citizenship,document_number"]
    lines += [",".join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def dm(client, personas):
    client.force_login(personas.data_manager.user)
    return client


@pytest.fixture
def registered_people(personas):
    """Twenty persons in the home organization's case register (five pairs are duplicates)."""
    ids = []
    for given, family, birth, country, doc in PEOPLE:
        case = make_case(personas.caseworker, given=given, family=family, birth=birth)
        person = case.person
        person.citizenships = [country]
        person.save(update_fields=["citizenships"])
        if doc:
            person_domain.add_document(case, by=personas.caseworker, data={"kind": "passport", "number": doc})
        ids.append(person.pk)
    return ids
