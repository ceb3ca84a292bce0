"""A labelled set of record pairs for the duplicate check: near-duplicates (one person registered
twice, as it happens in the field) and distinct people (including the hard cases: a shared given
name and birth year, siblings, namesakes). Generated here with its own rules and seed, without the
code under test (no ctm import), so the figures measure the scorer rather than echo it."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, replace

FEMALE = [
    "Ana", "Maria", "Elena", "Olga", "Natalia", "Tatiana", "Svetlana", "Irina", "Ludmila", "Valentina",
    "Cristina", "Mariana", "Victoria", "Daniela", "Galina", "Oxana", "Nadejda", "Aurelia", "Larisa", "Veronica",
    "Yulia", "Kateryna", "Oksana", "Halyna", "Nguyen Thi", "Lan", "Mai", "Somchai", "Amina", "Blessing",
    "Chioma", "Fatima", "Besa", "Arta", "Liliana", "Doina", "Rodica", "Zinaida", "Snejana", "Angela",
]  # fmt: skip
MALE = [
    "Ion", "Vasile", "Gheorghe", "Nicolae", "Sergiu", "Andrei", "Mihai", "Dumitru", "Vladimir", "Alexandru",
    "Igor", "Oleg", "Dmitri", "Pavel", "Viorel", "Victor", "Constantin", "Petru", "Iurie", "Valeriu",
    "Mykola", "Taras", "Bogdan", "Artem", "Tuan", "Minh", "Emeka", "Chinedu", "Ibrahim", "Arben",
    "Dritan", "Eduard", "Marcel", "Stanislav", "Roman", "Ruslan", "Anatolie", "Grigore", "Tudor", "Radu",
]  # fmt: skip
FAMILY = [
    "Popescu", "Rusu", "Ceban", "Ciobanu", "Munteanu", "Rotaru", "Lungu", "Moraru", "Sirbu", "Cojocaru",
    "Botnaru", "Guțu", "Bivol", "Turcanu", "Melnic", "Croitoru", "Bodiu", "Grosu", "Rosca", "Țurcan",
    "Petrova", "Ivanova", "Smirnova", "Kuznetsova", "Sokolova", "Volkova", "Morozov", "Novikov", "Fedorov", "Orlov",
    "Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Oliynyk", "Lysenko", "Melnyk", "Savchuk", "Hnatyuk",
    "Tran", "Pham", "Hoang", "Vu", "Okafor", "Adeyemi", "Okonkwo", "Balogun", "Hoxha", "Krasniqi",
    "Berisha", "Gashi", "Dumbrava", "Stratan", "Vrabie", "Zaharia", "Florea", "Enache", "Chirila", "Tabacaru",
]  # fmt: skip
COUNTRIES = ["MD", "UA", "RO", "RU", "VN", "NG", "AL", "TH"]
CYRILLIC = {
    "shch": "щ", "sh": "ш", "ch": "ч", "zh": "ж", "kh": "х", "ts": "ц", "ya": "я", "yu": "ю", "iu": "ю",
    "ia": "я", "a": "а", "b": "б", "c": "к", "d": "д", "e": "е", "f": "ф", "g": "г", "h": "х", "i": "и",
    "j": "ж", "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "q": "к", "r": "р", "s": "с",
    "t": "т", "u": "у", "v": "в", "w": "в", "x": "кс", "y": "й", "z": "з", "ț": "ц", "ș": "ш",
}  # fmt: skip
VARIANTS = [
    ("c", "k"),
    ("k", "c"),
    ("v", "w"),
    ("i", "y"),
    ("y", "i"),
    ("f", "ph"),
    ("u", "ou"),
    ("ț", "t"),
    ("ș", "s"),
]


@dataclass(frozen=True)
class Record:
    given_name: str
    family_name: str
    birth_date: datetime.date | None
    estimated_age: int | None
    gender: str
    citizenships: tuple[str, ...]


@dataclass(frozen=True)
class Pair:
    first: Record
    second: Record
    same_person: bool
    how: str


def _age(birth: datetime.date, today: datetime.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def to_cyrillic(name: str) -> str:
    out, text, i = [], name.lower(), 0
    while i < len(text):
        for size in (4, 2, 1):
            chunk = text[i : i + size]
            if chunk in CYRILLIC:
                out.append(CYRILLIC[chunk])
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out).title()


def typo(rng: random.Random, word: str) -> str:
    """One keying slip: a letter changed, dropped, doubled or two letters swapped (not the first)."""
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["change", "drop", "double", "swap"])
    if kind == "change":
        return word[:i] + rng.choice("aeioubcdmnrst".replace(word[i], "")) + word[i + 1 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def variant(rng: random.Random, word: str) -> str:
    options = [(a, b) for a, b in VARIANTS if a in word.lower()]
    if not options:
        return word
    a, b = rng.choice(options)
    return word.lower().replace(a, b, 1).title()


class Generator:
    def __init__(self, seed: int, today: datetime.date) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.used: set[tuple[str, str]] = set()

    def person(self, *, given: str | None = None, family: str | None = None) -> Record:
        rng = self.rng
        female = rng.random() < 0.6
        while True:
            g = given or rng.choice(FEMALE if female else MALE)
            f = family or rng.choice(FAMILY)
            if (g, f) not in self.used or (given and family):
                break
        self.used.add((g, f))
        birth = datetime.date(rng.randint(1965, 2008), rng.randint(1, 12), rng.randint(1, 28))
        gender = "Feminine" if g in FEMALE else "Masculine"
        return Record(g, f, birth, None, gender, (rng.choice(COUNTRIES),))

    # -- one person, registered again --------------------------------------------------------------
    def near_duplicate(self, a: Record) -> tuple[Record, str]:
        rng = self.rng
        how = rng.choice(
            [
                "typo",
                "cyrillic",
                "variant",
                "no_birth_date",
                "year_off",
                "swapped",
                "family_only",
                "typo_no_birth",
                "unknown_sex",
            ]
        )
        b = a
        if how in ("typo", "typo_no_birth"):
            b = replace(
                b, **{(field := rng.choice(["given_name", "family_name"])): typo(rng, getattr(b, field))}
            )
        if how == "cyrillic":
            b = replace(b, given_name=to_cyrillic(b.given_name), family_name=to_cyrillic(b.family_name))
        if how == "variant":
            b = replace(b, family_name=variant(rng, b.family_name), given_name=variant(rng, b.given_name))
        if how in ("no_birth_date", "typo_no_birth"):
            b = replace(
                b, birth_date=None, estimated_age=_age(a.birth_date, self.today) + rng.choice([-1, 0, 0, 1])
            )
        if how == "year_off":
            b = replace(b, birth_date=a.birth_date.replace(year=a.birth_date.year + rng.choice([-1, 1])))
        if how == "swapped":
            b = replace(b, given_name=a.family_name, family_name=a.given_name)
        if how == "family_only":
            b = replace(b, given_name="")
        if how == "unknown_sex" or rng.random() < 0.2:
            b = replace(b, gender="NonSpecifiedUnknown")
        if rng.random() < 0.2:
            b = replace(b, citizenships=())
        return b, how

    # -- two people ---------------------------------------------------------------------------------
    def distinct(self, a: Record) -> tuple[Record, Record, str]:
        rng = self.rng
        how = rng.choice(
            [
                "same_given_same_year",
                "sibling",
                "namesake_other_year",
                "namesake_no_dates_other_sex",
                "namesake_other_age",
                "stranger",
            ]
        )
        if how == "same_given_same_year":
            other = rng.choice([f for f in FAMILY if f != a.family_name])
            b = replace(
                self.person(given=a.given_name, family=other), birth_date=_other_day(rng, a.birth_date)
            )
        elif how == "sibling":
            pool = FEMALE if a.gender == "Feminine" else MALE
            b = replace(
                self.person(given=rng.choice([g for g in pool if g != a.given_name]), family=a.family_name),
                birth_date=a.birth_date.replace(year=a.birth_date.year + rng.choice([-7, -5, -4, 4, 5, 8])),
                citizenships=a.citizenships,
            )
        elif how == "namesake_other_year":
            b = replace(
                a,
                birth_date=a.birth_date.replace(
                    year=a.birth_date.year + rng.choice([-12, -9, -6, -4, 4, 6, 10])
                ),
            )
        elif how == "namesake_no_dates_other_sex":
            a = replace(a, birth_date=None, estimated_age=rng.randint(18, 50))
            other = "Masculine" if a.gender == "Feminine" else "Feminine"
            b = replace(a, gender=other, estimated_age=a.estimated_age + rng.randint(-3, 3))
        elif how == "namesake_other_age":
            b = replace(
                a,
                birth_date=None,
                estimated_age=_age(a.birth_date, self.today) + rng.choice([-15, -10, 9, 14]),
            )
        else:
            b = self.person()
        return a, b, how

    def pairs(self, near: int, distinct: int) -> list[Pair]:
        out = [
            Pair(a, b, True, how)
            for a in (self.person() for _ in range(near))
            for b, how in [self.near_duplicate(a)]
        ]
        for _ in range(distinct):
            a, b, how = self.distinct(self.person())
            out.append(Pair(a, b, False, how))
        return out


def _other_day(rng: random.Random, day: datetime.date) -> datetime.date:
    while True:
        other = day.replace(month=rng.randint(1, 12), day=rng.randint(1, 28))
        if other != day:
            return other
