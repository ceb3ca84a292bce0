"""Fictional demo data: organizations, demo users and cases drawn from published CTDC marginals.

Two consumers share the generation here: `ctm demo`, which writes every case through the domain
functions (so the activity log is real), and `bench/bench_cases.py`, which bulk-loads the same plans.
Nothing here is real: names come from Faker, and only one-way aggregate counts of the CTDC global
k-anonymized dataset (data/demo_marginals.csv, see data/README.md) shape the distributions.

Generation is seeded: the same seed and case count give the same organizations, numbers and stages.
"""

from __future__ import annotations

import csv
import datetime
import random
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faker import Faker

from ctm.cases.enums import (
    ClosureReason,
    ConsentGiver,
    ConsentScope,
    DecisionBody,
    EventType,
    ExitMethod,
    ExploitationType,
    Gender,
    Industry,
    MeansOfControl,
    RecruitmentMethod,
    Relationship,
    SexExploitationType,
    Stage,
    TraffickingStatus,
)
from ctm.core.enums import OrganizationType, Role

MARGINALS_PATH = Path(__file__).resolve().parent / "data" / "demo_marginals.csv"
DEMO_PASSWORD = "ctm-demo-2026!"  # fictional accounts on a demo installation; printed on purpose
PLATFORM_ADMIN = "demo-platform-admin"
# Every date is relative to this day, so that the same seed gives the same data on any day after it.
ANCHOR = datetime.date(2026, 11, 1)

# --- CTDC marginals ------------------------------------------------------------------------------

CTDC_CATEGORIES = ("gender", "ageBroad", "majorityStatus", "citizenship", "CountryOfExploitation")
CTDC_FLAG_PREFIXES = ("meansOfControl", "is", "typeOfLabour", "typeOfSex", "recruiterRelation")


def ctdc_marginals(csv_path: Path) -> list[tuple[str, str, int]]:
    """One-way counts (variable, value, count) from the CTDC k-anonymized CSV. Never copies a row."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    total = 0
    with open(csv_path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh, delimiter=";")
        header = next(reader)[1:]  # the first header cell is the terms-of-use notice
        wanted = [
            (i, name)
            for i, name in enumerate(header)
            if name in CTDC_CATEGORIES
            or (name.startswith(CTDC_FLAG_PREFIXES) and not name.endswith("Concatenated"))
        ]
        for row in reader:
            total += 1
            cells = row[1:]
            for i, name in wanted:
                value = cells[i].strip() if i < len(cells) else ""
                if value:
                    counts[(name, value)] += 1
    rows = [("records", "total", total)]
    rows += sorted(((var, val, n) for (var, val), n in counts.items()), key=lambda r: (r[0], -r[2], r[1]))
    return rows


class Marginals:
    """The shipped table of CTDC one-way counts, with the two questions the sampler asks of it."""

    def __init__(self, rows: Iterable[tuple[str, str, int]]) -> None:
        self.counts: dict[str, dict[str, int]] = defaultdict(dict)
        for variable, value, count in rows:
            self.counts[variable][value] = int(count)

    def weights(self, variable: str, allowed: Iterable[str] | None = None) -> dict[str, int]:
        table = self.counts[variable]
        if allowed is None:
            return dict(table)
        return {v: table[v] for v in allowed if table.get(v)}

    def rate(self, flag: str) -> float:
        """Share of 1s among the records where the flag is known (0 or 1)."""
        ones, zeros = self.counts[flag].get("1", 0), self.counts[flag].get("0", 0)
        return ones / (ones + zeros) if ones + zeros else 0.0


def load_marginals(path: Path = MARGINALS_PATH) -> Marginals:
    with open(path, newline="", encoding="utf-8") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        reader = csv.DictReader(lines)
        return Marginals((r["variable"], r["value"], int(r["count"])) for r in reader)


# --- the demo organizations ----------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeSpec:
    code: str
    name: str
    city: str


@dataclass(frozen=True)
class OrgSpec:
    code: str
    name: str
    country: str
    org_type: str
    offices: tuple[OfficeSpec, ...]
    origins: tuple[str, ...]  # citizenships drawn (CTDC weights) for this organization's cases
    destinations: tuple[str, ...]  # countries of exploitation drawn (CTDC weights)
    share: float  # share of the demo cases


DEMO_ORGS: tuple[OrgSpec, ...] = (
    OrgSpec(
        "CHI",
        "Speranța Centre (fictional NGO)",
        "MD",
        OrganizationType.NGO,
        (OfficeSpec("HQ", "Chișinău office", "Chișinău"), OfficeSpec("BAL", "Bălți office", "Bălți")),
        ("MD", "UA", "BY", "RO", "KG", "UZ", "TJ", "BG", "RU"),
        ("RU", "PL", "TR", "RO", "UA", "AE", "KZ", "CZ", "IT", "DE", "BG", "RS", "MK", "CY", "MD"),
        0.40,
    ),
    OrgSpec(
        "BKK",
        "Migration Mission Thailand (fictional)",
        "TH",
        OrganizationType.CENTRAL_GOVERNMENT,
        (OfficeSpec("HQ", "Bangkok office", "Bangkok"), OfficeSpec("MST", "Mae Sot sub-office", "Mae Sot")),
        ("MM", "KH", "LA", "TH", "VN", "CN", "BD", "ID", "PH", "LK", "NP"),
        ("TH", "MY", "ID", "KH", "CN", "JP", "SA", "AE", "KW", "QA", "HK", "SG", "TW"),
        0.35,
    ),
    OrgSpec(
        "LAG",
        "Harbour House Shelter (fictional)",
        "NG",
        OrganizationType.NGO,
        (OfficeSpec("HQ", "Lagos shelter", "Lagos"), OfficeSpec("BEN", "Benin City office", "Benin City")),
        ("NG", "GH", "CM", "SL", "CI", "GW", "ML", "NE", "SN", "BF", "TG", "BJ", "GN"),
        ("LY", "ML", "NG", "GH", "SN", "IT", "SA", "LB", "OM", "NE", "MA", "FR", "AE"),
        0.25,
    ),
)

# (username slug, role, index of the office): one demo user per role, two caseworkers (one per office).
DEMO_ROLES: tuple[tuple[str, str, int], ...] = (
    ("caseworker", Role.CASEWORKER, 0),
    ("caseworker2", Role.CASEWORKER, 1),
    ("case-manager", Role.CASE_MANAGER, 0),
    ("org-admin", Role.ORG_ADMIN, 0),
    ("data-manager", Role.DATA_MANAGER, 0),
    ("fund-reviewer", Role.FUND_REVIEWER, 0),
    ("directory-editor", Role.DIRECTORY_EDITOR, 0),
    ("auditor", Role.AUDITOR, 0),
)


def demo_username(slug: str, org_code: str) -> str:
    return f"demo-{slug}-{org_code.lower()}"


# --- what a person looks like, per citizenship -----------------------------------------------------

# Faker locale, ISO 639-1 language, calling code. Countries without a Faker locale borrow the
# nearest one or use the short name lists below.
PEOPLE: dict[str, tuple[str, str, str]] = {
    "MD": ("ro_RO", "ro", "373"),
    "RO": ("ro_RO", "ro", "40"),
    "UA": ("uk_UA", "uk", "380"),
    "BY": ("ru_RU", "ru", "375"),
    "RU": ("ru_RU", "ru", "7"),
    "KG": ("ru_RU", "ky", "996"),
    "UZ": ("uz_UZ", "uz", "998"),
    "TJ": ("ru_RU", "tg", "992"),
    "BG": ("bg_BG", "bg", "359"),
    "MM": ("", "my", "95"),
    "KH": ("", "km", "855"),
    "LA": ("", "lo", "856"),
    "TH": ("th_TH", "th", "66"),
    "VN": ("vi_VN", "vi", "84"),
    "CN": ("zh_CN", "zh", "86"),
    "BD": ("bn_BD", "bn", "880"),
    "ID": ("id_ID", "id", "62"),
    "PH": ("fil_PH", "tl", "63"),
    "LK": ("si_LK", "si", "94"),
    "NP": ("ne_NP", "ne", "977"),
    "NG": ("yo_NG", "yo", "234"),
    "GH": ("tw_GH", "ak", "233"),
    "CM": ("fr_FR", "fr", "237"),
    "SL": ("en_NG", "en", "232"),
    "CI": ("fr_FR", "fr", "225"),
    "GW": ("pt_PT", "pt", "245"),
    "ML": ("fr_FR", "bm", "223"),
    "NE": ("ha_NG", "ha", "227"),
    "SN": ("fr_FR", "wo", "221"),
    "BF": ("fr_FR", "fr", "226"),
    "TG": ("fr_FR", "fr", "228"),
    "BJ": ("fr_FR", "fr", "229"),
    "GN": ("fr_FR", "fr", "224"),
}
NIGERIAN_LOCALES = ("yo_NG", "ig_NG", "ha_NG", "en_NG")
NAME_LISTS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    # female given names, male given names, family names (romanized)
    "MM": (
        ("Thida", "Hnin", "Su", "Ei", "Khin", "Moe", "Nilar", "Yadanar"),
        ("Aung", "Kyaw", "Zaw", "Min", "Htet", "Thura", "Ko Ko", "Win"),
        ("Win", "Myint", "Oo", "Htun", "Naing", "Lwin", "Soe", "Aye"),
    ),
    "KH": (
        ("Sophea", "Chenda", "Sreymom", "Dara", "Bopha", "Kanha", "Leakhena", "Sokha"),
        ("Vannak", "Sokha", "Rithy", "Piseth", "Samnang", "Vuthy", "Chann", "Rotha"),
        ("Chan", "Sok", "Kim", "Heng", "Meas", "Chea", "Prak", "Touch"),
    ),
    "LA": (
        ("Khamla", "Noy", "Souphaphone", "Vanida", "Malaythong", "Phet", "Daovone", "Keo"),
        ("Somchai", "Bounmy", "Khamphet", "Souk", "Vilay", "Thongchanh", "Phone", "Sengphet"),
        ("Phommachanh", "Sisavath", "Keomany", "Vongsa", "Inthavong", "Sayavong", "Chanthala", "Luangrath"),
    ),
}
CITIES: dict[str, tuple[str, ...]] = {
    "MD": ("Chișinău", "Bălți", "Cahul", "Orhei", "Ungheni", "Soroca"),
    "UA": ("Odesa", "Kharkiv", "Lviv", "Vinnytsia"),
    "BY": ("Minsk", "Gomel", "Brest"),
    "RO": ("Iași", "Bucharest", "Constanța"),
    "RU": ("Moscow", "Saint Petersburg", "Kazan"),
    "TR": ("Istanbul", "Antalya", "Izmir"),
    "PL": ("Warsaw", "Łódź", "Poznań"),
    "AE": ("Dubai", "Abu Dhabi"),
    "KZ": ("Almaty", "Astana"),
    "CZ": ("Prague", "Brno"),
    "IT": ("Rome", "Naples", "Turin", "Palermo"),
    "DE": ("Berlin", "Hamburg"),
    "BG": ("Sofia", "Varna"),
    "RS": ("Belgrade",),
    "MK": ("Skopje",),
    "CY": ("Limassol",),
    "KG": ("Bishkek", "Osh"),
    "UZ": ("Tashkent", "Samarkand"),
    "TJ": ("Dushanbe",),
    "MM": ("Yangon", "Myawaddy", "Mandalay"),
    "KH": ("Phnom Penh", "Poipet", "Sihanoukville"),
    "LA": ("Vientiane", "Savannakhet"),
    "TH": ("Bangkok", "Mae Sot", "Songkhla", "Pattaya"),
    "VN": ("Hanoi", "Ho Chi Minh City"),
    "CN": ("Guangzhou", "Kunming"),
    "BD": ("Dhaka", "Cox's Bazar"),
    "ID": ("Jakarta", "Batam", "Kupang"),
    "PH": ("Manila", "Cebu", "Davao"),
    "LK": ("Colombo",),
    "NP": ("Kathmandu",),
    "MY": ("Kuala Lumpur", "Johor Bahru", "Penang"),
    "JP": ("Tokyo", "Osaka"),
    "SA": ("Riyadh", "Jeddah"),
    "KW": ("Kuwait City",),
    "QA": ("Doha",),
    "HK": ("Hong Kong",),
    "SG": ("Singapore",),
    "TW": ("Taipei", "Kaohsiung"),
    "NG": ("Lagos", "Benin City", "Kano", "Abuja"),
    "GH": ("Accra", "Kumasi"),
    "CM": ("Douala", "Yaoundé"),
    "SL": ("Freetown",),
    "CI": ("Abidjan",),
    "GW": ("Bissau",),
    "ML": ("Bamako", "Kayes"),
    "NE": ("Niamey", "Agadez"),
    "SN": ("Dakar", "Kédougou"),
    "BF": ("Ouagadougou",),
    "TG": ("Lomé",),
    "BJ": ("Cotonou",),
    "GN": ("Conakry",),
    "LY": ("Tripoli", "Sabha", "Benghazi"),
    "LB": ("Beirut",),
    "OM": ("Muscat",),
    "MA": ("Casablanca", "Tangier"),
    "FR": ("Paris", "Marseille"),
}

# CTDC flag → HTCDS value. CTDC has no "stranger"; its "Other" recruiter relation is read as one.
CONTROL_MAP = {
    "DebtBondage": MeansOfControl.DEBT_BONDAGE,
    "TakesEarnings": MeansOfControl.TAKES_EARNINGS,
    "RestrictsFinancialAccess": MeansOfControl.RESTRICTS_FINANCIAL,
    "Threats": MeansOfControl.PHYSICAL_THREATS,
    "PsychologicalAbuse": MeansOfControl.PSYCHOLOGICAL_ABUSE,
    "PhysicalAbuse": MeansOfControl.PHYSICAL_ABUSE,
    "SexualAbuse": MeansOfControl.SEXUAL_ABUSE,
    "FalsePromises": MeansOfControl.FALSE_PROMISES,
    "PsychoactiveSubstances": MeansOfControl.PSYCHOACTIVE,
    "RestrictsMovement": MeansOfControl.RESTRICTS_MOVEMENT,
    "RestrictsMedicalCare": MeansOfControl.RESTRICTS_MEDICAL,
    "ExcessiveWorkingHours": MeansOfControl.EXCESSIVE_HOURS,
    "UsesChildren": MeansOfControl.THREATENS_FAMILY,
    "ThreatOfLawEnforcement": MeansOfControl.THREATS_LAW_ENFORCEMENT,
    "WithholdsNecessities": MeansOfControl.WITHHOLDS_NECESSITIES,
    "WithholdsDocuments": MeansOfControl.WITHHOLDS_DOCUMENTS,
    "Other": MeansOfControl.OTHER,
}
EXPLOITATION_MAP = {
    "isForcedLabour": ExploitationType.FORCED_LABOUR,
    "isSexualExploit": ExploitationType.SEXUAL,
    "isOtherExploit": ExploitationType.OTHER,
    "isForcedMarriage": ExploitationType.FORCED_MARRIAGE,
    "isSlaveryAndPractices": ExploitationType.SERVITUDE,
}
# Labour sector → (ISIC industry, or an exploitation type of its own).
LABOUR_MAP: dict[str, tuple[str, str]] = {
    "Agriculture": (Industry.A, ""),
    "Aquafarming": (Industry.A, ""),
    "Construction": (Industry.F, ""),
    "DomesticWork": (Industry.T, ""),
    "Hospitality": (Industry.I, ""),
    "Manufacturing": (Industry.C, ""),
    "MiningOrDrilling": (Industry.B, ""),
    "Peddling": (Industry.G, ""),
    "Transportation": (Industry.H, ""),
    "Other": (Industry.S, ""),
    "Begging": ("", ExploitationType.FORCED_BEGGING),
    "IllicitActivities": ("", ExploitationType.FORCED_CRIMINALITY),
}
SEX_MAP = {
    "Prostitution": SexExploitationType.PROSTITUTION,
    "Pornography": SexExploitationType.PORNOGRAPHY,
    "RemoteInteractiveServices": SexExploitationType.REMOTE,
    "PrivateSexualServices": SexExploitationType.PRIVATE,
}
RELATION_MAP = {
    "Family": Relationship.FAMILIAL,
    "Friend": Relationship.ACQUAINTED,
    "IntimatePartner": Relationship.ACQUAINTED,
    "Other": Relationship.UNACQUAINTED,
}
GENDER_MAP = {
    "Female": Gender.FEMININE,
    "Male": Gender.MASCULINE,
    "Transgender/NonConforming": Gender.NON_CONFORMING,
}
AGE_BANDS = {
    "0--8": (3, 8),
    "9--17": (9, 17),
    "18--20": (18, 20),
    "21--23": (21, 23),
    "24--26": (24, 26),
    "27--29": (27, 29),
    "30--38": (30, 38),
    "39--47": (39, 47),
    "48+": (48, 64),
}

# Not in CTDC: illustrative shares for the case's life (stage, closure) and the recruitment channel.
STAGE_SHARES = {
    Stage.SCREENING: 0.08,
    Stage.ASSISTANCE: 0.24,
    Stage.RETURN: 0.10,
    Stage.REINTEGRATION: 0.16,
    Stage.MONITORING: 0.12,
    Stage.CLOSED: 0.30,
}
# Days since opening, per stage: young cases are still in screening, old ones are monitored or closed.
STAGE_AGE = {
    Stage.SCREENING: (0, 75),
    Stage.ASSISTANCE: (20, 420),
    Stage.RETURN: (45, 500),
    Stage.REINTEGRATION: (90, 800),
    Stage.MONITORING: (240, 1000),
    Stage.CLOSED: (40, 1050),
}
CLOSURE_SHARES = {
    ClosureReason.PLAN_COMPLETED: 0.42,
    ClosureReason.DECLINED: 0.12,
    ClosureReason.LOST_CONTACT: 0.15,
    ClosureReason.REFERRED: 0.11,
    ClosureReason.RE_TRAFFICKED: 0.03,
    ClosureReason.DECEASED: 0.01,
    ClosureReason.NOT_ELIGIBLE: 0.10,
    ClosureReason.OTHER: 0.06,
}
RECRUITMENT_SHARES = {
    RecruitmentMethod.FRIENDS: 30,
    RecruitmentMethod.FAMILY: 14,
    RecruitmentMethod.SOCIAL_NETWORK: 18,
    RecruitmentMethod.ONLINE_AD: 12,
    RecruitmentMethod.NEWSPAPER_AD: 4,
    RecruitmentMethod.WORK: 8,
    RecruitmentMethod.PLACE_OF_BUSINESS: 6,
    RecruitmentMethod.EDUCATION: 3,
    RecruitmentMethod.OTHER: 5,
}
JOBS = (
    "waitress",
    "farm worker",
    "cleaner",
    "carer for an elderly person",
    "construction worker",
    "dancer",
    "factory worker",
    "fishing crew member",
    "nanny",
    "hotel maid",
    "seasonal fruit picker",
    "shop assistant",
)
NOTES = (
    "Phone follow-up: the person says they feel safe at the shelter and asked about vocational training.",
    "Accompanied to the clinic for a medical check; next appointment in two weeks.",
    "Family tracing started with the consent of the person; first contact made by phone.",
    "Legal counselling session held; the person does not wish to testify at this time.",
    "Psychosocial counsellor reports good progress; sleep has improved.",
    "Travel document application submitted to the consulate.",
    "Home visit done; the household situation is stable, small business grant discussed.",
    "Interpreter arranged for the next interview.",
    "The person asked for information on vocational courses in tailoring.",
    "Monitoring visit: income from the micro-business covers basic household needs.",
)


# --- the plan of one case ------------------------------------------------------------------------


@dataclass
class ConsentPlan:
    scope: str
    given_on: datetime.date
    withdrawn_on: datetime.date | None = None
    referral_org: str = ""  # code of the named organization, for a referral


@dataclass
class CasePlan:
    """Everything about one fictional case, as plain data; loaders turn it into rows."""

    org: str
    office: int  # index in the organization's offices; also which caseworker owns it
    opened_on: datetime.date
    stage: str
    closure_reason: str
    closed_on: datetime.date | None
    person: dict[str, Any]
    is_minor: bool
    high_risk: bool
    sensitive: bool
    screening: dict[str, Any]
    decision: dict[str, Any] | None  # propose_eligibility data; "approved" says if a manager approved it
    context: dict[str, Any]
    events: list[dict[str, Any]]
    consents: list[ConsentPlan]
    path: list[str]  # the stages gone through after assistance, in order
    guardian: dict[str, Any] | None = None
    best_interests: dict[str, Any] | None = None
    document: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    attachment: str = ""  # text of a small plain-text attachment, when there is one
    assign_colleague: bool = False


def _pick(rng: random.Random, weights: dict[Any, float]) -> Any:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _spread(n: int, shares: dict[Any, float], rng: random.Random) -> list[Any]:
    """Exactly n values with the given shares (largest remainder), each present once n allows, shuffled."""
    total = sum(shares.values())
    exact = {k: n * v / total for k, v in shares.items()}
    counts = {k: int(x) for k, x in exact.items()}
    for k in sorted(exact, key=lambda k: exact[k] - counts[k], reverse=True)[: n - sum(counts.values())]:
        counts[k] += 1
    for k in shares:  # every value at least once when there is room: the demo shows every stage
        if counts[k] == 0 and n >= len(shares):
            donor = max(counts, key=lambda d: counts[d])
            counts[donor] -= 1
            counts[k] += 1
    out = [k for k, c in counts.items() for _ in range(c)]
    rng.shuffle(out)
    return out


def _days(day: datetime.date, n: int) -> datetime.date:
    return min(day + datetime.timedelta(days=n), ANCHOR)


class CaseSampler:
    """Seeded generator of `CasePlan`s whose person and victim-context variables follow CTDC marginals."""

    def __init__(self, seed: int = 42, marginals: Marginals | None = None) -> None:
        self.seed = seed
        self.rng = random.Random(seed)
        self.m = marginals or load_marginals()
        self._fakers: dict[str, Faker] = {}
        self.gender = {GENDER_MAP[k]: v for k, v in self.m.weights("gender").items() if k in GENDER_MAP}
        self.age = self.m.weights("ageBroad", AGE_BANDS)
        self.exploitation = {EXPLOITATION_MAP[k]: self.m.counts[k].get("1", 0) for k in EXPLOITATION_MAP}
        self.sex_and_labour = self.m.rate("isSexAndLabour")
        self.labour = {k: self.m.counts[f"typeOfLabour{k}"].get("1", 0) for k in LABOUR_MAP}
        self.sex = {v: self.m.counts[f"typeOfSex{k}"].get("1", 0) for k, v in SEX_MAP.items()}
        self.control_unknown = self.m.rate("meansOfControlNotSpecified")
        self.control = {v: self.m.rate(f"meansOfControl{k}") for k, v in CONTROL_MAP.items()}
        self.relation_unknown = self.m.rate("recruiterRelationUnknown")
        self.relation = {k: self.m.counts[f"recruiterRelation{k}"].get("1", 0) for k in RELATION_MAP}

    def faker(self, locale: str) -> Faker:
        if locale not in self._fakers:
            fake = Faker(locale)
            fake.seed_instance(self.seed * 1_000_003 + zlib.crc32(locale.encode()))
            self._fakers[locale] = fake
        return self._fakers[locale]

    def plans(self, n: int) -> list[CasePlan]:
        """n plans, sorted by opening date (so case numbers follow the calendar)."""
        orgs = _spread(n, {o.code: o.share for o in DEMO_ORGS}, self.rng)
        stages = _spread(n, STAGE_SHARES, self.rng)
        closed = sum(1 for s in stages if s == Stage.CLOSED)
        reasons = iter(_spread(closed, CLOSURE_SHARES, self.rng))
        plans = [
            self.plan(ORG_BY_CODE[org], stage, next(reasons) if stage == Stage.CLOSED else "")
            for org, stage in zip(orgs, stages, strict=True)
        ]
        plans.sort(key=lambda p: p.opened_on)
        return plans

    # -- one case --

    def plan(self, org: OrgSpec, stage: str, reason: str) -> CasePlan:
        rng = self.rng
        lo, hi = STAGE_AGE[stage]
        opened = ANCHOR - datetime.timedelta(days=rng.randint(lo, hi))
        citizenship = _pick(rng, self.m.weights("citizenship", org.origins))
        person, age = self.person(citizenship, opened)
        context = self.context(citizenship, org, age)
        decision = self.decision(opened, stage, reason)
        closed_on = (
            _days(opened, rng.randint(30, max(31, (ANCHOR - opened).days))) if stage == Stage.CLOSED else None
        )
        plan = CasePlan(
            org=org.code,
            office=rng.randrange(len(org.offices)),
            opened_on=opened,
            stage=stage,
            closure_reason=reason,
            closed_on=closed_on,
            person=person,
            is_minor=age < 18,
            high_risk=rng.random() < 0.12,
            sensitive=rng.random() < 0.05,
            screening=self.screening(person, context, opened, org),
            decision=decision,
            context=context,
            events=self.events(citizenship, context, opened),
            consents=[],
            path=self.path(stage, reason),
        )
        plan.consents = self.consents(plan)
        if plan.is_minor:
            plan.guardian, plan.best_interests = self.guardian(plan)
        if rng.random() < 0.55:
            plan.document = self.document(citizenship, context)
        plan.notes = rng.sample(NOTES, k=rng.choice((0, 1, 1, 2, 3)))
        plan.assign_colleague = rng.random() < 0.2
        if rng.random() < 0.05:
            plan.attachment = (
                f"Fictional demo attachment: summary of the screening interview of {plan.opened_on}.\n"
            )
        return plan

    def person(self, citizenship: str, opened: datetime.date) -> tuple[dict[str, Any], int]:
        rng = self.rng
        locale, language, calling = PEOPLE[citizenship]
        if citizenship == "NG":
            locale = rng.choice(NIGERIAN_LOCALES)
        gender = _pick(rng, self.gender)
        lo, hi = AGE_BANDS[_pick(rng, self.age)]
        age = rng.randint(lo, hi)
        birth = opened - datetime.timedelta(days=365 * age + rng.randint(0, 364) + age // 4)
        given, family = self.name(citizenship, locale, gender)
        estimate = rng.random() < 0.08
        data: dict[str, Any] = {
            "given_name": given,
            "family_name": family,
            "gender": gender,
            "birth_date": birth,
            "birth_date_is_estimate": estimate,
            "citizenships": [citizenship],
            "languages": [language] if language == "en" else [language, "en"][: 1 + (rng.random() < 0.2)],
            "contacts": [{"kind": "phone", "value": f"+{calling}{rng.randint(10**7, 10**8 - 1)}"}]
            if rng.random() < 0.7
            else [],
            "address": self.faker(locale or "en_US").street_address() if rng.random() < 0.6 else "",
        }
        if rng.random() < 0.1:
            data["other_names"] = [self.name(citizenship, locale, gender)[0]]
        return data, age

    def name(self, citizenship: str, locale: str, gender: str) -> tuple[str, str]:
        female = gender != Gender.MASCULINE
        if citizenship in NAME_LISTS:
            women, men, families = NAME_LISTS[citizenship]
            return self.rng.choice(women if female else men), self.rng.choice(families)
        fake = self.faker(locale)
        given = fake.first_name_female() if female else fake.first_name_male()
        family = fake.last_name_female() if female and hasattr(fake, "last_name_female") else fake.last_name()
        return given, family

    def context(self, citizenship: str, org: OrgSpec, age: int) -> dict[str, Any]:
        rng = self.rng
        types = {_pick(rng, self.exploitation)}
        if (
            types & {ExploitationType.FORCED_LABOUR, ExploitationType.SEXUAL}
            and rng.random() < self.sex_and_labour
        ):
            types |= {ExploitationType.FORCED_LABOUR, ExploitationType.SEXUAL}
        industry, sex_types = "", []
        if ExploitationType.FORCED_LABOUR in types:
            industry, extra = LABOUR_MAP[_pick(rng, self.labour)]
            if extra:
                types.add(extra)
        if ExploitationType.SEXUAL in types:
            sex_types = [_pick(rng, self.sex)]
        controls: list[str] = []
        if rng.random() >= self.control_unknown:
            controls = [c for c, p in self.control.items() if rng.random() < p] or [_pick(rng, self.control)]
        relation = "" if rng.random() < self.relation_unknown else RELATION_MAP[_pick(rng, self.relation)]
        country = _pick(rng, self.m.weights("CountryOfExploitation", org.destinations))
        return {
            "age_when_trafficked": max(0, age - rng.choice((0, 0, 0, 1, 1, 2))),
            "recruitment_method": _pick(rng, RECRUITMENT_SHARES),
            "recruitment_country": citizenship,
            "recruitment_place": rng.choice(CITIES.get(citizenship, ("",))),
            "relationship_to_trafficker": relation,
            "means_of_control": sorted(controls),
            "exploitation_types": sorted(types),
            "forced_labour_industry": industry,
            "sex_exploitation_types": sex_types,
            "exploitation_country": country,
        }

    def screening(
        self, person: dict[str, Any], ctx: dict[str, Any], opened: datetime.date, org: OrgSpec
    ) -> dict[str, Any]:
        rng = self.rng
        controls = set(ctx["means_of_control"])
        language = person["languages"][0]
        job = rng.choice(JOBS)
        return {
            "interview_date": opened,
            "place": org.offices[0].city,
            "language": language,
            "interpreter_used": language not in ("en", "ro", "th") and rng.random() < 0.6,
            "consent_to_interview": True,
            "recruiter_promises": f"Work as a {job} abroad, about {rng.randrange(300, 1500, 50)} USD a month.",
            # A string, not a Decimal: record_screening logs the value and the log's JSON has no Decimal.
            "recruitment_cost": f"{rng.randrange(0, 3000, 50)}.00" if rng.random() < 0.5 else None,
            "debt": MeansOfControl.DEBT_BONDAGE in controls,
            "transit_countries": [],
            "travel_documents": rng.choice(("own", "provided", "forged", "none", "unknown")),
            "transport_organised_by_recruiter": rng.random() < 0.6,
            "exploitation_months": rng.choice((1, 2, 3, 4, 6, 8, 12, 18, 24, 36)),
            "payment": rng.choice(("as_promised", "less", "less", "none", "none", "unknown")),
            "freedom_of_movement": MeansOfControl.RESTRICTS_MOVEMENT not in controls,
            "violence": bool(controls & {MeansOfControl.PHYSICAL_ABUSE, MeansOfControl.SEXUAL_ABUSE}),
            "documents_withheld": MeansOfControl.WITHHOLDS_DOCUMENTS in controls,
            "exit_method": rng.choice([e.value for e in ExitMethod]),
            "narrative": f"Fictional demo interview. Recruited as a {job}; identified after leaving the workplace.",
        }

    def decision(self, opened: datetime.date, stage: str, reason: str) -> dict[str, Any] | None:
        rng = self.rng
        if stage == Stage.SCREENING and rng.random() < 0.5:
            return None
        not_victim = reason == ClosureReason.NOT_ELIGIBLE
        status = (
            TraffickingStatus.NOT_A_VICTIM
            if not_victim
            else _pick(rng, {TraffickingStatus.ACTUAL: 0.55, TraffickingStatus.POSSIBLE: 0.45})
        )
        return {
            "trafficking_status": status,
            "decision_body": _pick(
                rng,
                {
                    DecisionBody.NGO: 5,
                    DecisionBody.POLICE: 3,
                    DecisionBody.COURT: 1,
                    DecisionBody.GOVERNMENT: 2,
                    DecisionBody.OTHER: 0.5,
                },
            ),
            "decided_on": _days(opened, rng.randint(1, 20)),
            "reasons": "Screening shows recruitment by deception and exploitation (fictional)."
            if not not_victim
            else "Irregular migrant; no element of exploitation found (fictional).",
            "approved": stage != Stage.SCREENING,
        }

    def events(self, citizenship: str, ctx: dict[str, Any], opened: datetime.date) -> list[dict[str, Any]]:
        rng = self.rng
        dest = ctx["exploitation_country"]
        exploit_end = opened - datetime.timedelta(days=rng.randint(0, 30))
        exploit_start = exploit_end - datetime.timedelta(days=30 * rng.choice((1, 2, 3, 6, 9, 12, 18, 24)))
        recruited = exploit_start - datetime.timedelta(days=rng.randint(7, 90))
        events = [self._event(EventType.RECRUITMENT, citizenship, recruited, recruited)]
        if dest != citizenship and rng.random() < 0.4:
            via = rng.choice([c for c in CITIES if c not in (dest, citizenship)])
            day = recruited + datetime.timedelta(days=rng.randint(1, 6))
            events.append(
                self._event(EventType.TRANSIT, via, day, day + datetime.timedelta(days=rng.randint(1, 20)))
            )
        events.append(self._event(EventType.EXPLOITATION, dest, exploit_start, exploit_end))
        return events

    def _event(self, kind: str, country: str, start: datetime.date, end: datetime.date) -> dict[str, Any]:
        place = self.rng.choice(CITIES.get(country, ("",)))
        return {"event_type": kind, "country": country, "place": place, "start_date": start, "end_date": end}

    def path(self, stage: str, reason: str) -> list[str]:
        rng = self.rng
        full = [Stage.RETURN, Stage.REINTEGRATION, Stage.MONITORING]
        if rng.random() < 0.25:  # local integration: no return
            full = full[1:]
        if stage in full:
            return full[: full.index(stage) + 1]
        if stage == Stage.RETURN:
            return [Stage.RETURN]
        if stage == Stage.CLOSED:
            if reason in (ClosureReason.PLAN_COMPLETED, ClosureReason.RE_TRAFFICKED):
                return full
            if reason in (ClosureReason.NOT_ELIGIBLE, ClosureReason.REFERRED, ClosureReason.DECEASED):
                return []
            return full[: rng.randint(0, len(full))]
        return []

    def consents(self, plan: CasePlan) -> list[ConsentPlan]:
        rng = self.rng
        day = plan.opened_on
        out = [ConsentPlan(ConsentScope.INTERVIEW, day), ConsentPlan(ConsentScope.PROCESSING, day)]
        if plan.decision and plan.decision["approved"] and plan.closure_reason != ClosureReason.NOT_ELIGIBLE:
            given = plan.decision["decided_on"]
            withdrawn = plan.closed_on if plan.closure_reason == ClosureReason.DECLINED else None
            out.append(ConsentPlan(ConsentScope.ASSISTANCE, given, withdrawn))
        if rng.random() < 0.45:
            withdrawn = _days(day, rng.randint(1, 200)) if rng.random() < 0.12 else None
            out.append(ConsentPlan(ConsentScope.RESEARCH, day, withdrawn))
        if Stage.RETURN in plan.path:
            out.append(ConsentPlan(ConsentScope.RETURN, _days(day, rng.randint(20, 60))))
        if plan.closure_reason == ClosureReason.REFERRED:
            other = rng.choice([o.code for o in DEMO_ORGS if o.code != plan.org])
            out.append(ConsentPlan(ConsentScope.REFERRAL, plan.closed_on or day, referral_org=other))
        return out

    def guardian(self, plan: CasePlan) -> tuple[dict[str, Any], dict[str, Any]]:
        rng = self.rng
        citizenship = plan.person["citizenships"][0]
        locale = PEOPLE[citizenship][0] or "en_US"
        given, family = self.name(
            citizenship, locale if locale else "en_US", rng.choice((Gender.FEMININE, Gender.MASCULINE))
        )
        relationship = rng.choice(
            ("Mother", "Father", "Aunt", "Appointed guardian (child protection office)")
        )
        guardian = {
            "name": f"{given} {family if 'Appointed' in relationship else plan.person['family_name']}",
            "relationship": relationship,
            "contact": f"+{PEOPLE[citizenship][2]}{rng.randint(10**7, 10**8 - 1)}",
            "appointed_on": plan.opened_on,
            "appointing_authority": "Child protection authority" if "Appointed" in relationship else "",
        }
        bia = {
            "assessed_on": _days(plan.opened_on, rng.randint(1, 14)),
            "summary": "Best-interests assessment (fictional): safe family environment confirmed by social services.",
            "recommendation": rng.choice(
                ("Family reunification with follow-up.", "Interim care in a specialised shelter.")
            ),
        }
        return guardian, bia

    def document(self, citizenship: str, ctx: dict[str, Any]) -> dict[str, Any]:
        rng = self.rng
        letters = "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(2))
        return {
            "kind": rng.choice(("passport", "passport", "national_id", "birth_certificate")),
            "number": f"{letters}{rng.randint(10**6, 10**7 - 1)}",
            "issuing_country": citizenship,
            "expiry_date": ANCHOR + datetime.timedelta(days=rng.randint(-700, 2500)),
            "held_by_trafficker": MeansOfControl.WITHHOLDS_DOCUMENTS in ctx["means_of_control"],
        }


ORG_BY_CODE = {o.code: o for o in DEMO_ORGS}


# --- loading: organizations and users, then each case through the domain functions ----------------


@dataclass
class Team:
    """The demo memberships of one organization, as the loaders need them."""

    organization: Any
    offices: list[Any]
    caseworkers: list[Any]  # one per office
    manager: Any


@dataclass
class DemoUser:
    username: str
    role: str
    organization: str
    office: str


def create_organizations_and_users(
    password: str = DEMO_PASSWORD, *, actor: str = "ctm demo"
) -> tuple[dict[str, Team], list[DemoUser]]:
    """The demo organizations, their offices and one user per role (plus a platform admin)."""
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from ctm.accounts.models import User
    from ctm.core.domain.activity import record
    from ctm.core.models import Membership, Office, Organization

    hashed = make_password(password)  # one argon2 hash for every fictional account: fast, same password
    from ctm.directory.demo import load_directory_demo

    teams: dict[str, Team] = {}
    editors: dict[str, Any] = {}
    users: list[DemoUser] = []
    with transaction.atomic():
        admin = User.objects.create(
            username=PLATFORM_ADMIN, password=hashed, is_superuser=True, is_staff=True
        )
        record(
            "accounts.user.created",
            actor=actor,
            obj=admin,
            label=admin.username,
            changes={"platform_admin": [None, True]},
        )
        users.append(DemoUser(PLATFORM_ADMIN, "platform_admin", "", ""))
        for spec in DEMO_ORGS:
            org = Organization.objects.create(
                name=spec.name, code=spec.code, country=spec.country, org_type=spec.org_type
            )
            record("core.organization.created", actor=actor, organization=org, obj=org, label=org.code)
            offices = [
                Office.objects.create(
                    organization=org, code=o.code, name=o.name, city=o.city, country=spec.country
                )
                for o in spec.offices
            ]
            members: dict[str, Any] = {}
            for slug, role, office_index in DEMO_ROLES:
                name = demo_username(slug, spec.code)
                user = User.objects.create(username=name, password=hashed)
                office = offices[office_index]
                members[slug] = Membership.objects.create(
                    user=user, organization=org, role=role, office=office
                )
                record(
                    "accounts.user.created",
                    actor=actor,
                    organization=org,
                    obj=user,
                    label=name,
                    changes={"role": [None, role], "office": [None, office.code]},
                )
                users.append(DemoUser(name, str(role), spec.code, office.code))
            teams[spec.code] = Team(
                org, offices, [members["caseworker"], members["caseworker2"]], members["case-manager"]
            )
            editors[spec.code] = members["directory-editor"]
        load_directory_demo(editors)
    return teams, users


def demo_users() -> list[DemoUser]:
    """The demo accounts as they would be created (for printing when the data are already there)."""
    out = [DemoUser(PLATFORM_ADMIN, "platform_admin", "", "")]
    for spec in DEMO_ORGS:
        out += [
            DemoUser(demo_username(s, spec.code), str(r), spec.code, spec.offices[i].code)
            for s, r, i in DEMO_ROLES
        ]
    return out


def load_case(plan: CasePlan, teams: dict[str, Team]) -> Any:
    """Write one planned case through the domain functions, as a caseworker and a case manager would."""
    from ctm.cases.domain import cases as dc
    from ctm.cases.domain import consent as dcons
    from ctm.cases.domain import notes as dn
    from ctm.cases.domain import persons as dp
    from ctm.cases.domain import screening as ds

    team = teams[plan.org]
    cw, mgr = team.caseworkers[plan.office], team.manager
    case = dc.open_case(
        by=cw,
        person_data=plan.person,
        case_data={
            "office": team.offices[plan.office],
            "opened_on": plan.opened_on,
            "identified_on": plan.opened_on,
            "high_risk": plan.high_risk,
            "sensitive": plan.sensitive,
        },
    )
    if plan.document:
        dp.add_document(case, by=cw, data=plan.document)
    guardian = dcons.add_guardian(case, by=cw, data=plan.guardian) if plan.guardian else None
    if plan.best_interests:
        dcons.add_best_interests(case, by=cw, data=plan.best_interests)
    consents = [_consent(case, cw, c, guardian, teams) for c in plan.consents]
    ds.record_screening(case, by=cw, data=plan.screening)
    for event in plan.events:
        ds.add_event(case, by=cw, data=event)
    ds.update_victim_context(case, by=cw, data=plan.context)
    if plan.decision:
        data = {k: v for k, v in plan.decision.items() if k != "approved"}
        decision = ds.propose_eligibility(case, by=cw, data=data)
        if plan.decision["approved"]:
            ds.review_eligibility(decision, by=mgr, approve=True)
    if plan.assign_colleague:
        dc.assign_case(case, by=mgr, assignees=[team.caseworkers[1 - plan.office].user])
    for stage in plan.path:
        dc.change_stage(case, by=cw, stage=stage)
    if plan.path and plan.stage != Stage.CLOSED:  # the moves happened today: date the last one in the case's life
        _date_stage(case, len(plan.path))
    for body in plan.notes:
        dn.add_note(case, by=cw, body=body)
    if plan.attachment:
        dn.add_attachment(
            case,
            by=cw,
            filename="screening-summary.txt",
            data=plan.attachment.encode(),
            description="Interview summary (fictional)",
        )
    for consent, cplan in zip(consents, plan.consents, strict=True):
        if cplan.withdrawn_on:
            dcons.withdraw_consent(consent, by=cw, on=cplan.withdrawn_on)
        elif cplan.scope == ConsentScope.REFERRAL:
            dc.share_case(case, by=mgr, consent=consent)
    if plan.stage == Stage.CLOSED:
        closer = mgr if plan.is_minor else cw
        dc.close_case(case, by=closer, reason=plan.closure_reason, on=plan.closed_on)
    return case


def _date_stage(case: Any, moves: int) -> None:
    """The day the case entered its stage, as if its stages had been spread over its life so far (the
    manager views count ages in stage from it)."""
    from ctm.cases.models import Case

    span = max((datetime.date.today() - case.opened_on).days, 0)  # noqa: DTZ011  (the demo's calendar day)
    case.stage_since = case.opened_on + datetime.timedelta(days=span * moves // (moves + 1))
    Case.objects.filter(pk=case.pk).update(stage_since=case.stage_since)


def _consent(case: Any, by: Any, plan: ConsentPlan, guardian: Any, teams: dict[str, Team]) -> Any:
    from ctm.cases.domain.consent import record_consent

    data: dict[str, Any] = {
        "scope": plan.scope,
        "given_on": plan.given_on,
        "given_by": ConsentGiver.WITH_GUARDIAN if guardian else ConsentGiver.PERSON,
        "guardian": guardian,
        "told_purpose": True,
        "told_uses": True,
        "told_research_use": plan.scope == ConsentScope.RESEARCH,
        "told_right_to_access": True,
        "told_retention": True,
        "told_withdrawal": True,
    }
    if plan.referral_org:
        data["referral_organization"] = teams[plan.referral_org].organization
    return record_consent(case, by=by, data=data)


def load_demo(
    n_cases: int = 2000,
    seed: int = 42,
    *,
    batch: int = 100,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[DemoUser], list[CasePlan]]:
    """Create the demo organizations, users and `n_cases` cases (batches of `batch` per transaction)."""
    from django.db import transaction

    from ctm.cases.domain.queries.cases import write_checks_memo
    from ctm.core.scopes import organization_scope

    teams, users = create_organizations_and_users()
    plans = CaseSampler(seed).plans(n_cases)
    for start in range(0, len(plans), batch):
        chunk: Sequence[CasePlan] = plans[start : start + batch]
        with transaction.atomic():
            for plan in chunk:
                # as the org's own staff; each case is new and unseen until the commit (write_checks_memo)
                with organization_scope(teams[plan.org].organization), write_checks_memo(keep=True):
                    load_case(plan, teams)
        if progress:
            progress(len(chunk))
    return users, plans
