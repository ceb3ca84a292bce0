"""The CTDC codebook as public domains and constraints (CTDC K-anonymized Data Codebook v7, Sept. 2021,
and its data dictionary of 25 August 2021: lookups Datasource, Gender, Age range 2, Age category,
Country as ISO 3166-1 alpha-2; flags 0/1 with -99 for unknown; "Concatenated" columns list the
labels of their flags separated by ``;``).

CTDC writes an unknown value (-99, "Unknown") as an empty cell: that is the unknown code here, so a
value outside the codebook becomes an empty cell before any measurement. Countries are ISO 3166-1
alpha-2 from ``pycountry`` plus ``XK`` (Kosovo, which IOM and CTDC use). Years of registration are
declared from 2000 to 2030 (CTDC's records begin in 2002).
"""

from __future__ import annotations

from collections.abc import Sequence

from .constraints import Constraint, DerivedMajority, ListFlags, MinorStaysMinor
from .domains import Bounds, Categorical, ColumnDomain, Domain, ListDomain, countries

SOURCE = "CTDC codebook"
YEARS = (2000, 2030)
AGE_BANDS = ("0--8", "9--17", "18--20", "21--23", "24--26", "27--29", "30--38", "39--47", "48+")
FLAG = Categorical(("0", "1"))
MAJORITY = Categorical(("Adult", "Minor"))

EXPLOIT = {
    "isForcedLabour": "Forced labour",
    "isSexualExploit": "Sexual exploitation",
    "isOtherExploit": "Other",
    "isSexAndLabour": "Combined sexual and labour exploitation",
    "isForcedMarriage": "Forced marriage",
    "isForcedMilitary": "Forced military",
    "isOrganRemoval": "Organ removal",
    "isSlaveryAndPractices": "Slavery and similar practices",
}
CONTROL = (
    "Debt bondage", "Takes earnings", "Restricts financial access", "Threats", "Psychological abuse",
    "Physical abuse", "Sexual abuse", "False promises", "Psychoactive substances", "Restricts movement",
    "Restricts medical care", "Excessive working hours", "Uses children", "Threat of law enforcement",
    "Withholds necessities", "Withholds documents", "Other", "Not specified",
)  # fmt: skip
LABOUR = (
    "Agriculture", "Aquafarming", "Begging", "Construction", "Domestic work", "Hospitality",
    "Illicit activities", "Manufacturing", "Mining or drilling", "Peddling", "Transportation", "Other",
    "Not specified",
)  # fmt: skip
SEX = ("Prostitution", "Pornography", "Remote interactive services", "Private sexual services")
RELATION = {
    "recruiterRelationFamily": "Family/Relative",
    "recruiterRelationFriend": "Friend/Acquaintance",
    "recruiterRelationIntimatePartner": "Intimate Partner",
    "recruiterRelationUnknown": "Not Specified",
    "recruiterRelationOther": "Other",
}


def _flags(prefix: str, labels: Sequence[str]) -> tuple[str, ...]:
    return tuple(prefix + "".join(word[:1].upper() + word[1:] for word in label.split()) for label in labels)


LISTS: dict[str, tuple[ListDomain, tuple[str, ...]]] = {
    "meansOfControlConcatenated": (ListDomain(CONTROL), _flags("meansOfControl", CONTROL)),
    "typeOfExploitConcatenated": (ListDomain(tuple(EXPLOIT.values())), tuple(EXPLOIT)),
    "typeOfLabourConcatenated": (ListDomain(LABOUR), _flags("typeOfLabour", LABOUR)),
    "typeOfSexConcatenated": (ListDomain(SEX), _flags("typeOfSex", SEX)),
    "RecruiterRelationship": (ListDomain(tuple(RELATION.values()), "; "), tuple(RELATION)),
}


def ctdc_columns() -> dict[str, ColumnDomain]:
    columns: dict[str, ColumnDomain] = {
        "yearOfRegistration": Bounds(*YEARS),
        "Datasource": Categorical(("Case Management", "Hotline")),
        "gender": Categorical(("Female", "Male", "Transgender/NonConforming")),
        "ageBroad": Categorical(AGE_BANDS),
        "majorityStatus": MAJORITY,
        "majorityStatusAtExploit": MAJORITY,
        "majorityEntry": MAJORITY,
        "citizenship": countries(),
        "CountryOfExploitation": countries(),
        "isAbduction": FLAG,
    }
    for column, (domain, flags) in LISTS.items():
        columns[column] = domain
        columns.update(dict.fromkeys(flags, FLAG))
    return columns


def ctdc_domain() -> Domain:
    return Domain(ctdc_columns(), SOURCE)


def is_ctdc(columns: Sequence[str]) -> bool:
    """Whether every column is one of the CTDC schema's (so the codebook's domains apply)."""
    known = ctdc_columns()
    return bool(columns) and all(c in known for c in columns)


CONSTRAINTS: tuple[Constraint, ...] = (
    DerivedMajority(),
    MinorStaysMinor(),
    *(ListFlags(column, domain, flags) for column, (domain, flags) in LISTS.items()),
)
