"""Fictional directory entries for `ctm demo`: who to call in the demo organizations' countries and
in the main countries their cases were exploited in. Every name is invented; numbers are not real."""

from __future__ import annotations

import datetime
from typing import Any

# (country, type, name, city, services, languages, populations, days since last verified)
ENTRIES: tuple[tuple[str, str, str, str, str, str, str, int], ...] = (
    (
        "MD",
        "police",
        "Anti-trafficking police unit (fictional)",
        "Chișinău",
        "identification|protection",
        "ro|ru",
        "adults|minors",
        40,
    ),
    (
        "MD",
        "hotline",
        "Trafficking hotline Moldova (fictional)",
        "Chișinău",
        "hotline|identification",
        "ro|ru|en",
        "adults|minors",
        20,
    ),
    (
        "MD",
        "shelter",
        "Women's shelter Nord (fictional)",
        "Bălți",
        "accommodation|psychosocial|medical",
        "ro|ru",
        "women|minors",
        90,
    ),
    (
        "MD",
        "legal_aid",
        "Legal clinic for migrants (fictional)",
        "Chișinău",
        "legal|documents",
        "ro|ru|en",
        "adults",
        500,
    ),
    (
        "MD",
        "child_protection",
        "Child protection directorate (fictional)",
        "Chișinău",
        "protection|family_tracing",
        "ro",
        "minors",
        200,
    ),
    (
        "TH",
        "police",
        "Anti-human-trafficking division (fictional)",
        "Bangkok",
        "identification|protection",
        "th|en",
        "adults|minors",
        30,
    ),
    (
        "TH",
        "shelter",
        "Welfare protection shelter (fictional)",
        "Bangkok",
        "accommodation|medical|psychosocial",
        "th|my|km|en",
        "women|minors",
        60,
    ),
    (
        "TH",
        "labour_inspection",
        "Labour protection office (fictional)",
        "Mae Sot",
        "identification|legal",
        "th|my",
        "adults|men|women",
        420,
    ),
    (
        "TH",
        "consulate",
        "Consulate of Myanmar (fictional contact)",
        "Mae Sot",
        "documents|return",
        "my|th",
        "adults|minors",
        100,
    ),
    (
        "TH",
        "hotline",
        "Migrant workers hotline (fictional)",
        "Bangkok",
        "hotline|interpretation",
        "th|my|km|lo|en",
        "adults",
        10,
    ),
    (
        "MM",
        "ngo",
        "Returnee reception centre Mawlamyine (fictional)",
        "Mawlamyine",
        "reintegration|psychosocial|family_tracing",
        "my|en",
        "adults|minors",
        30,
    ),
    (
        "NG",
        "police",
        "Anti-trafficking agency zonal command (fictional)",
        "Benin City",
        "identification|protection|return",
        "en|yo",
        "adults|minors",
        50,
    ),
    (
        "NG",
        "shelter",
        "Transit shelter Lagos (fictional)",
        "Lagos",
        "accommodation|medical|psychosocial",
        "en|yo|ig",
        "women|minors",
        150,
    ),
    (
        "NG",
        "ngo",
        "Reintegration network (fictional)",
        "Benin City",
        "reintegration|livelihood|psychosocial",
        "en",
        "adults|women",
        700,
    ),
    (
        "NG",
        "health",
        "Teaching hospital social work unit (fictional)",
        "Lagos",
        "medical|psychosocial",
        "en|yo|ha",
        "adults|minors",
        80,
    ),
    (
        "IT",
        "ngo",
        "Mediterranean protection desk (fictional)",
        "Palermo",
        "identification|legal|interpretation",
        "it|en|fr",
        "adults|women",
        120,
    ),
    (
        "RU",
        "consulate",
        "Consulate of Moldova (fictional contact)",
        "Moscow",
        "documents|return",
        "ro|ru",
        "adults|minors",
        380,
    ),
    (
        "MY",
        "shelter",
        "Protection home (fictional)",
        "Kuala Lumpur",
        "accommodation|legal",
        "ms|en|my",
        "women",
        60,
    ),
    (
        "TR",
        "immigration",
        "Provincial migration directorate (fictional)",
        "Istanbul",
        "documents|identification",
        "tr|en",
        "adults|minors",
        250,
    ),
    (
        "LY",
        "prosecution",
        "Office of the prosecutor (fictional contact)",
        "Tripoli",
        "legal",
        "ar|en",
        "adults",
        900,
    ),
)


def _data(row: tuple[str, str, str, str, str, str, str, int], today: datetime.date, n: int) -> dict[str, Any]:
    country, kind, name, city, services, languages, populations, age = row
    return {
        "name": name,
        "entry_type": kind,
        "country": country,
        "city": city,
        "phone": f"+000 {1000 + n} {2000 + n}",
        "emergency_line": f"+000 {9000 + n}" if kind in ("police", "hotline", "shelter") else "",
        "hours": "24/7" if kind in ("police", "hotline", "shelter") else "Mon-Fri 9:00-17:00",
        "services": f"|{services}|",
        "languages": f"|{languages}|",
        "populations": f"|{populations}|",
        "last_verified_on": today - datetime.timedelta(days=age),
    }


def load_directory_demo(editors: dict[str, Any]) -> int:
    """The shared entries (by each organization's directory editor, for its own country first) and
    one private entry per organization. Returns how many entries were made."""
    from django.utils import timezone

    from ctm.directory.domain.entries import create_entry

    today = timezone.localdate()
    fallback = next(iter(editors.values()))
    n = 0
    for n, row in enumerate(ENTRIES, start=1):
        by = next((m for m in editors.values() if m.organization.country == row[0]), fallback)
        create_entry(by=by, data=_data(row, today, n), shared=True)
    for code, by in editors.items():
        n += 1
        data = _data(
            (
                by.organization.country,
                "shelter",
                f"Safe house of {code} (private, fictional)",
                "",
                "accommodation",
                "en",
                "women|minors",
                30,
            ),
            today,
            n,
        )
        create_entry(by=by, data=data, shared=False)
    return n
