"""The de-identified research view: CTM's cases as rows in the CTDC schema.

Only cases whose person consented to inclusion in anonymized research data (scope `research`, not
withdrawn on the day the view is built; a minor's with a guardian) are included. No identifying field
leaves this function: birth dates are decrypted in memory only to compute the age band, and nothing
free-text, no name, place or number is ever copied.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

import pandas as pd
from django.db.models import Q
from django.utils import timezone

from ctm.cases.enums import ConsentGiver, ConsentScope
from ctm.cases.models import Case, Consent, VictimContext
from ctm.core.domain.activity import record
from ctm.core.reads import identifying_access

AGE_BANDS = [
    (0, 8, "0--8"),
    (9, 17, "9--17"),
    (18, 20, "18--20"),
    (21, 23, "21--23"),
    (24, 26, "24--26"),
    (27, 29, "27--29"),
    (30, 38, "30--38"),
    (39, 47, "39--47"),
    (48, 200, "48+"),
]
GENDER = {
    "Feminine": "Female",
    "Masculine": "Male",
    "TransgenderFeminine": "Transgender/NonConforming",
    "TransgenderMasculine": "Transgender/NonConforming",
    "NonConforming": "Transgender/NonConforming",
}
CONTROL = {
    "DebtBondage": "DebtBondage",
    "TakesEarnings": "TakesEarnings",
    "RestrictsFinancialAccess": "RestrictsFinancialAccess",
    "PhysicalThreats": "Threats",
    "ThreatensChildrenFamily": "Threats",
    "PsychologicalAbuse": "PsychologicalAbuse",
    "PhysicalAbuse": "PhysicalAbuse",
    "SexualAbuse": "SexualAbuse",
    "FalsePromises": "FalsePromises",
    "PsychoactiveSubstance": "PsychoactiveSubstances",
    "RestrictsMovement": "RestrictsMovement",
    "RestrictsMedicalCare": "RestrictsMedicalCare",
    "ExcessiveWorkingHours": "ExcessiveWorkingHours",
    "ThreatsLawEnforcement": "ThreatOfLawEnforcement",
    "WithholdsNecessities": "WithholdsNecessities",
    "WithholdsDocuments": "WithholdsDocuments",
    "Other": "Other",
}
CONTROL_COLUMNS = [
    "DebtBondage",
    "TakesEarnings",
    "RestrictsFinancialAccess",
    "Threats",
    "PsychologicalAbuse",
    "PhysicalAbuse",
    "SexualAbuse",
    "FalsePromises",
    "PsychoactiveSubstances",
    "RestrictsMovement",
    "RestrictsMedicalCare",
    "ExcessiveWorkingHours",
    "UsesChildren",
    "ThreatOfLawEnforcement",
    "WithholdsNecessities",
    "WithholdsDocuments",
    "Other",
    "NotSpecified",
]
EXPLOIT = {
    "ForcedLabour": "isForcedLabour",
    "SexualExploitation": "isSexualExploit",
    "ForcedMarriage": "isForcedMarriage",
    "ForcedMilitaryByNonStateActors": "isForcedMilitary",
    "OrganRemoval": "isOrganRemoval",
    "Servitude": "isSlaveryAndPractices",
}
EXPLOIT_LABEL = {
    "isForcedLabour": "Forced labour",
    "isSexualExploit": "Sexual exploitation",
    "isOtherExploit": "Other",
    "isSexAndLabour": "Combined sexual and labour exploitation",
    "isForcedMarriage": "Forced marriage",
    "isForcedMilitary": "Forced military",
    "isOrganRemoval": "Organ removal",
    "isSlaveryAndPractices": "Slavery and similar practices",
}
LABOUR = {
    "A_AgricultureForestryAndFishing": "Agriculture",
    "F_Construction": "Construction",
    "T_ActivitiesOfHouseholdsAsEmployers": "DomesticWork",
    "I_AccommodationAndFoodServiceActivities": "Hospitality",
    "C_Manufacturing": "Manufacturing",
    "B_MiningAndQuarrying": "MiningOrDrilling",
    "G_WholesaleAndRetailTradeRepairOfMotorVehicles": "Peddling",
    "H_TransportationAndStorage": "Transportation",
}
LABOUR_COLUMNS = [
    "Agriculture",
    "Aquafarming",
    "Begging",
    "Construction",
    "DomesticWork",
    "Hospitality",
    "IllicitActivities",
    "Manufacturing",
    "MiningOrDrilling",
    "Peddling",
    "Transportation",
    "Other",
    "NotSpecified",
]
SEX_COLUMNS = {
    "Prostitution": "Prostitution",
    "Pornography": "Pornography",
    "RemoteInteractiveServices": "RemoteInteractiveServices",
    "PrivateSexualServices": "PrivateSexualServices",
}
RELATION = {
    "Familial": ("Family/Relative", "Family"),
    "Acquainted": ("Friend/Acquaintance", "Friend"),
    "Unaquainted": ("Other", "Other"),
}


def research_case_ids(organization_ids: Iterable[int], on: datetime.date | None = None) -> list[int]:
    """Cases whose research consent holds on `on` (today by default); a minor's needs a guardian."""
    day = on or timezone.localdate()
    valid = Consent.objects.filter(
        organization_id__in=list(organization_ids), scope=ConsentScope.RESEARCH, given_on__lte=day
    )
    valid = valid.filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
    adult = valid.filter(case__is_minor=False).values_list("case_id", flat=True)
    minor = valid.filter(case__is_minor=True, given_by=ConsentGiver.WITH_GUARDIAN).values_list(
        "case_id", flat=True
    )
    return sorted(set(adult) | set(minor))


def age_band(age: int | None) -> str:
    if age is None:
        return ""
    return next(label for low, high, label in AGE_BANDS if low <= age <= high)


def _age(case: Case) -> int | None:
    person = case.person
    if person.birth_date:
        b, d = person.birth_date, case.opened_on
        return d.year - b.year - ((d.month, d.day) < (b.month, b.day))
    return person.estimated_age


def _flags(prefix: str, columns: Iterable[str], present: set[str]) -> dict[str, int]:
    return {f"{prefix}{c}": int(c in present) for c in columns}


def ctdc_row(case: Case, context: VictimContext | None) -> dict[str, Any]:
    age = _age(case)
    controls = {CONTROL[c] for c in (context.means_of_control if context else []) if c in CONTROL} or {
        "NotSpecified"
    }
    types = set(context.exploitation_types if context else [])
    is_flags = {v: int(k in types) for k, v in EXPLOIT.items()}
    is_flags["isSexAndLabour"] = int(is_flags["isForcedLabour"] and is_flags["isSexualExploit"])
    is_flags["isOtherExploit"] = int(bool(types - set(EXPLOIT)))
    labour = (
        {LABOUR.get(context.forced_labour_industry, "Other")}
        if context and context.forced_labour_industry
        else set()
    )
    labour |= {"Begging"} if "ForcedBegging" in types else set()
    labour |= {"IllicitActivities"} if "ForcedCriminality" in types else set()
    if is_flags["isForcedLabour"] and not labour:
        labour = {"NotSpecified"}
    sex = {SEX_COLUMNS[s] for s in (context.sex_exploitation_types if context else []) if s in SEX_COLUMNS}
    relation = RELATION.get(
        context.relationship_to_trafficker if context else "", ("Not Specified", "Unknown")
    )
    at_exploit = context.majority_when_trafficked if context else ""
    row: dict[str, Any] = {
        "yearOfRegistration": case.opened_on.year,
        "Datasource": "Case Management",
        "gender": GENDER.get(case.person.gender, ""),
        "ageBroad": age_band(age),
        "majorityStatus": "" if age is None else ("Minor" if age < 18 else "Adult"),
        "majorityStatusAtExploit": at_exploit,
        "majorityEntry": "",
        "citizenship": (case.person.citizenships or [""])[0],
        **_flags("meansOfControl", CONTROL_COLUMNS, controls),
        "meansOfControlConcatenated": ";".join(c for c in CONTROL_COLUMNS if c in controls),
        **is_flags,
        "typeOfExploitConcatenated": ";".join(EXPLOIT_LABEL[k] for k in EXPLOIT_LABEL if is_flags.get(k)),
        **_flags("typeOfLabour", LABOUR_COLUMNS, labour),
        "typeOfLabourConcatenated": ";".join(c for c in LABOUR_COLUMNS if c in labour),
        **_flags("typeOfSex", SEX_COLUMNS.values(), sex),
        "typeOfSexConcatenated": ";".join(sorted(sex)),
        "isAbduction": "",
        "RecruiterRelationship": relation[0],
        "CountryOfExploitation": (context.exploitation_country if context else "")
        or case.exploitation_country,
        **{
            f"recruiterRelation{k}": int(relation[1] == k)
            for k in ("IntimatePartner", "Friend", "Family", "Other", "Unknown")
        },
    }
    return row


def research_view(
    organization_ids: Iterable[int], *, by: Any = None, on: datetime.date | None = None
) -> pd.DataFrame:
    """One CTDC row per consenting case of these organizations; the build is logged (no identifying data)."""
    org_ids = list(organization_ids)
    ids = research_case_ids(org_ids, on)
    contexts = {c.case_id: c for c in VictimContext.objects.filter(case_id__in=ids)}
    # The age comes from the birth date; nothing identifying leaves this function (the build is logged).
    with identifying_access("the research view: ages from birth dates"):
        cases = Case.objects.filter(pk__in=ids).select_related("person").order_by("pk")
        frame = pd.DataFrame([ctdc_row(case, contexts.get(case.pk)) for case in cases])
    if by is not None:
        record(
            "privacy.research_view.built",
            actor=getattr(by, "user", by),
            organization=getattr(by, "organization", None),
            changes={"rows": [None, len(frame)], "organizations": [None, org_ids]},
        )
    return frame
