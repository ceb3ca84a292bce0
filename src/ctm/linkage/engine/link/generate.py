"""Labelled fictional lists for testing linkage: known people, known overlaps, realistic noise.

People are drawn from name pools per origin, large enough that a name is about as common as in a real
caseload (several hundred given and family names each, drawn with Zipf-like frequencies, so a few
names are common and most are rare): Latin (Spanish, French, Portuguese, German, Italian, Polish,
Turkish, English), Romanian (with diacritics), Cyrillic (Ukrainian, Russian), Arabic, Thai and Nigerian
(Yoruba, Hausa, Igbo). The name words come from Faker's locale tables (Romanian family names are also
built from common stems and suffixes); combined into people they are fictional.

Each list records a person its own way: the original script or a Latin transliteration (spellings vary
between clerks: kh/h, iy/y, vowels added to Arabic and Thai consonant skeletons), typos, swapped given
and family names, missing or partial birth dates, missing or mistyped documents, duplicates within a
list. The truth file gives the person behind every record; it is only used to score a linkage.
"""

from __future__ import annotations

import importlib
import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from anyascii import anyascii

# origin -> (share of people, Faker locales for names, citizenships)
ORIGINS: dict[str, tuple[float, tuple[str, ...], tuple[str, ...]]] = {
    "spanish": (0.09, ("es_ES",), ("ES", "MX", "CO", "VE", "PH")),
    "french": (0.03, ("fr_FR",), ("FR", "CI", "SN", "HT")),
    "portuguese": (0.04, ("pt_BR",), ("BR", "PT", "AO")),
    "german": (0.02, ("de_DE",), ("DE", "AT")),
    "italian": (0.03, ("it_IT",), ("IT",)),
    "turkish": (0.04, ("tr_TR",), ("TR",)),
    "english": (0.03, ("en_US",), ("US", "GB", "GH")),
    "romanian": (0.10, ("ro_RO",), ("RO", "MD")),
    "cyrillic": (0.20, ("uk_UA", "ru_RU"), ("UA", "RU", "BY", "MD", "KZ")),
    "arabic": (0.20, ("ar_AA",), ("SY", "IQ", "EG", "MA", "SD", "YE", "LY")),
    "thai": (0.10, ("th_TH",), ("TH",)),
    "nigerian": (0.12, ("yo_NG", "ha_NG", "ig_NG", "en_NG"), ("NG",)),
}
ZIPF_EXPONENT = 1.0
ZIPF_OFFSET = 5.0  # weight of the k-th name ~ 1 / (k + offset): the commonest name is a few percent

# Common Arabic names with the Latin spellings clerks use; other Arabic names get vowelled skeletons.
ARABIC_LATIN: dict[str, tuple[str, ...]] = {
    "محمد": ("Mohammed", "Muhammad", "Mohamed"), "أحمد": ("Ahmed", "Ahmad"), "علي": ("Ali",),
    "حسن": ("Hassan", "Hasan"), "حسين": ("Hussein", "Husain", "Hussain"), "عمر": ("Omar", "Umar"),
    "خالد": ("Khaled", "Khalid"), "يوسف": ("Youssef", "Yusuf", "Yousef"), "إبراهيم": ("Ibrahim",),
    "مصطفى": ("Mustafa", "Moustafa"), "فاطمة": ("Fatima", "Fatma"), "عائشة": ("Aisha", "Aicha"),
    "مريم": ("Maryam", "Mariam"), "زينب": ("Zainab", "Zeinab"), "نور": ("Nour", "Noor"),
    "سارة": ("Sara", "Sarah"), "ليلى": ("Layla", "Leila"), "سلمى": ("Salma",), "هدى": ("Huda", "Hoda"),
    "أمينة": ("Amina", "Aminah"), "كريم": ("Karim", "Kareem"), "طارق": ("Tarek", "Tariq"),
    "سمير": ("Samir", "Sameer"), "جمال": ("Jamal", "Gamal"), "رشيد": ("Rachid", "Rashid"),
    "حداد": ("Haddad",), "منصور": ("Mansour", "Mansur"), "سليمان": ("Suleiman", "Sulaiman"),
    "صالح": ("Saleh", "Salih"), "عبدالله": ("Abdullah", "Abdallah"), "خليل": ("Khalil",),
    "يعقوب": ("Yacoub", "Yaqub"), "شريف": ("Sharif", "Cherif"), "عثمان": ("Othman", "Osman", "Uthman"),
    "قاسم": ("Qasim", "Kassem"), "جابر": ("Jaber", "Jabir"), "درويش": ("Darwish", "Derwiche"),
    "عيسى": ("Issa", "Eissa"), "موسى": ("Moussa", "Musa"), "فارس": ("Fares", "Faris"),
    "ناصر": ("Nasser", "Naser"), "زيدان": ("Zidane", "Zaidan"), "بدران": ("Badran",),
}
_EXTRA_ARABIC_FAMILY = tuple(k for k in list(ARABIC_LATIN)[25:])
_ROMANIAN_STEMS = (
    "Pop", "Ion", "Radu", "Stan", "Dumitr", "Constantin", "Gheorgh", "Marin", "Stoi", "Nicol", "Vasil",
    "Mihăil", "Tudor", "Dobr", "Petr", "Lup", "Bălan", "Moldov", "Munten", "Vlad", "Sârb", "Neag", "Manol",
    "Iord", "Dragomir", "Tănas", "Tom", "Grigor", "Andrei", "Cozm", "Diacon", "Fier", "Croitor", "Rotar",
    "Morar", "Păun", "Coman", "Bucur", "Sand", "Flor", "Zamfir", "Urs", "Negr", "Alb", "Barb", "Olar",
    "Preda", "Stoic", "Ciob", "Cojoc", "Dinc", "Enach", "Gavril", "Ilie", "Lazăr", "Matei", "Nistor",
    "Oprea", "Pavel", "Roman", "Săvul", "Șerban", "Țugui", "Voic", "Zahari", "Husar", "Căpraru", "Bran",
)
_YORUBA_HEADS = ("Ade", "Olu", "Oluwa", "Ola", "Ayo", "Ife", "Folu", "Tolu", "Bola", "Femi", "Kola", "Jide",
                 "Oye", "Ogun", "Fasa", "Aki", "Omo", "Oba", "Adeo", "Ode", "Owo", "Sola", "Dada", "Aje")
_YORUBA_TAILS = ("bayo", "wale", "seun", "tunde", "yemi", "kunle", "dele", "gbemi", "sola", "dayo", "tola",
                 "mide", "labi", "wumi", "niyi", "tayo", "nuga", "fowora", "bisi", "koya", "lade", "yinka",
                 "bode", "sanmi", "sina", "wole", "dipe", "kanmi")
_ROMANIAN_SUFFIXES = ("escu", "eanu", "ache", "oiu", "ău", "ea")
_CYRILLIC_VARIANTS = (("kh", "h"), ("iy", "y"), ("yi", "i"), ("ei", "ey"), ("ia", "ya"), ("iu", "yu"),
                      ("zh", "j"), ("ks", "x"), ("ii", "i"), ("shch", "sch"), ("ie", "ye"))
_THAI_VARIANTS = (("th", "t"), ("ue", "u"), ("ae", "e"), ("oe", "o"), ("ay", "ai"))
_CONSONANT_PAIR = re.compile(r"([bcdfghjklmnpqrstvwxz])(?=[bcdfgjklmnpqrstvxz])")


@dataclass(frozen=True)
class Person:
    person_id: int
    script: str  # the origin: spanish, ..., romanian, cyrillic, arabic, thai, nigerian
    given: str
    family: str
    birth: str
    sex: str
    citizenship: str
    document: str


@dataclass(frozen=True)
class NamePool:
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]
    family_female: tuple[str, ...]  # same length and order as family (Slavic feminine forms)


def _provider(locale: str) -> type:
    module = importlib.import_module(f"faker.providers.person.{locale}")
    provider: type = module.Provider
    return provider


def _names(provider: type, attribute: str) -> tuple[str, ...]:
    return tuple(str(n) for n in getattr(provider, attribute, ()) if str(n).strip())


def _unique(names: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n.strip() for n in names if n.strip()))


@lru_cache(maxsize=16)
def name_pool(origin: str) -> NamePool:
    """Given names by sex and family names of one origin (deterministic, no randomness)."""
    male: list[str] = []
    female: list[str] = []
    family: list[tuple[str, str]] = []
    for locale in ORIGINS[origin][1]:
        p = _provider(locale)
        male += _names(p, "first_names_male")
        female += _names(p, "first_names_female")
        plain = _names(p, "last_names_male") or _names(p, "last_names")
        feminine = _names(p, "last_names_female")
        if len(feminine) != len(plain):
            feminine = plain
        family += list(zip(plain, feminine, strict=True))
    if origin == "romanian":
        built = [(stem[:-1] if stem[-1] in "aeiuă" else stem) + suffix
                 for stem in _ROMANIAN_STEMS for suffix in _ROMANIAN_SUFFIXES]
        family += [(n, n) for n in built]
    if origin == "arabic":
        # A family name is often a forefather's given name (patronymic): Ahmed Mahmoud, Fatima Hassan.
        family += [(n, n) for n in (*_EXTRA_ARABIC_FAMILY, *male)]
        male = [*[n for n in ARABIC_LATIN if n not in _EXTRA_ARABIC_FAMILY and n not in _ARABIC_FEMALE], *male]
        female = [*[n for n in ARABIC_LATIN if n in _ARABIC_FEMALE], *female]
    if origin == "thai":
        # Thai family names are long compounds, nearly unique to a family: join two name words.
        words = [n for n in (*male, *female, *(a for a, _ in family)) if " " not in n]
        family += [(words[i] + words[(i * 7919 + 13) % len(words)],) * 2 for i in range(len(words))]
    if origin == "nigerian":
        # Yoruba family names are built from parts (Ade-, Olu-, -bayo, -wale); others are a father's name.
        family += [(a + b, a + b) for a in _YORUBA_HEADS for b in _YORUBA_TAILS]
        family += [(n, n) for n in male]
    # Tribal and clan names of several words (Banu ..., Awlad ...) are not how people are registered.
    family = [(a, b) for a, b in family if len(a.split()) <= 2 and not a.startswith(("بنو", "بني", "أولاد"))]
    pairs = list(dict(family).items())
    return NamePool(_unique(male), _unique(female), tuple(a for a, _ in pairs), tuple(b for _, b in pairs))


_ARABIC_FEMALE = frozenset({"فاطمة", "عائشة", "مريم", "زينب", "نور", "سارة", "ليلى", "سلمى", "هدى", "أمينة"})


class _Drawer:
    """Draws names with Zipf-like frequencies; which names are common depends on the seed."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.tables: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}

    def pick(self, origin: str, kind: str, names: tuple[str, ...]) -> int:
        key = (origin, kind)
        if key not in self.tables:
            weights = 1.0 / (np.arange(len(names)) + ZIPF_OFFSET) ** ZIPF_EXPONENT
            self.tables[key] = (self.rng.permutation(len(names)), np.cumsum(weights / weights.sum()))
        order, cdf = self.tables[key]
        k = min(int(np.searchsorted(cdf, self.rng.random(), side="right")), len(names) - 1)
        return int(order[k])


def _people(n: int, rng: np.random.Generator) -> list[Person]:
    origins = list(ORIGINS)
    shares = np.array([ORIGINS[o][0] for o in origins])
    chosen = rng.choice(len(origins), size=n, p=shares / shares.sum())
    years = rng.integers(1960, 2009, size=n)
    days = rng.integers(0, 365, size=n)
    females = rng.random(n) < 0.6
    drawer = _Drawer(rng)
    out = []
    for i in range(n):
        origin = origins[int(chosen[i])]
        pool = name_pool(origin)
        female = bool(females[i])
        given_names = pool.female if female else pool.male
        given = given_names[drawer.pick(origin, "F" if female else "M", given_names)]
        k = drawer.pick(origin, "family", pool.family)
        family = pool.family_female[k] if female else pool.family[k]
        country = str(rng.choice(ORIGINS[origin][2]))
        birth = (pd.Timestamp(int(years[i]), 1, 1) + pd.Timedelta(days=int(days[i]))).strftime("%Y-%m-%d")
        document = f"{chr(65 + int(rng.integers(0, 26)))}{int(rng.integers(1_000_000, 9_999_999))}"
        out.append(Person(i + 1, origin, given, family, birth, "F" if female else "M", country, document))
    return out


def _vowelled(skeleton: str, variant: int) -> str:
    """A clerk's Latin spelling of a consonant-heavy transliteration: vowels between consonant pairs,
    chosen from the name itself so that each name has a few stable spellings."""
    seed = zlib.crc32(f"{skeleton}/{variant}".encode())
    vowels = "aeiou"
    counter = iter(range(1000))
    return _CONSONANT_PAIR.sub(lambda m: m.group(1) + vowels[(seed >> (next(counter) % 24)) % 5], skeleton)


def _arabic_latin(name: str, rng: np.random.Generator) -> str:
    if name in ARABIC_LATIN:
        return str(rng.choice(ARABIC_LATIN[name]))
    words = []
    for word in name.split():
        prefix = ""
        if word.startswith("ال") and len(word) > 2:
            prefix, word = str(rng.choice(["al-", "el-", "Al "])), word[2:]
        latin = re.sub(r"[^A-Za-z]", "", anyascii(word))
        words.append(prefix + _vowelled(latin, int(rng.integers(0, 2))).capitalize())
    return " ".join(words)


def _render_name(name: str, origin: str, rng: np.random.Generator) -> str:
    roll = rng.random()
    if origin == "arabic":
        return name if roll < 0.4 else _arabic_latin(name, rng)
    if origin == "thai":
        if roll < 0.4:
            return name
        latin = _vowelled(anyascii(name), int(rng.integers(0, 2))).capitalize()
        for old, new in _THAI_VARIANTS:
            if rng.random() < 0.3:
                latin = latin.replace(old, new)
        return latin
    if origin == "cyrillic":
        if roll < 0.4:
            return name
        latin = anyascii(name)
        for old, new in _CYRILLIC_VARIANTS:
            if rng.random() < 0.5:
                latin = latin.replace(old, new)
        return latin
    return name if roll < 0.6 else anyascii(name)


def _typo(text: str, rng: np.random.Generator) -> str:
    if len(text) < 4 or not text.isascii():
        return text
    k = int(rng.integers(1, len(text) - 1))
    kind = rng.integers(0, 3)
    if kind == 0:
        return text[:k] + text[k + 1] + text[k] + text[k + 2:]
    if kind == 1:
        return text[:k] + text[k + 1:]
    return text[:k] + chr(97 + int(rng.integers(0, 26))) + text[k + 1:]


def _render_birth(birth: str, rng: np.random.Generator) -> str:
    roll = rng.random()
    if roll < 0.10:
        return ""
    if roll < 0.16:
        return birth[:4]
    if roll < 0.19:
        return birth[:7]
    if roll < 0.21:
        return f"{birth[:8]}{int(rng.integers(1, 29)):02d}"
    return birth


def _record(person: Person, record_id: str, rng: np.random.Generator) -> dict[str, str]:
    given = _render_name(person.given, person.script, rng)
    family = _render_name(person.family, person.script, rng)
    if rng.random() < 0.12:
        given = _typo(given, rng) if rng.random() < 0.5 else given
        family = _typo(family, rng) if rng.random() < 0.5 else family
    if rng.random() < 0.08:
        given, family = family, given
    return {
        "record_id": record_id, "given_name": given, "family_name": family,
        "birth_date": _render_birth(person.birth, rng),
        "sex": "" if rng.random() < 0.05 else person.sex,
        "citizenship": "" if rng.random() < 0.1 else person.citizenship,
        "document_number": "" if rng.random() < 0.5 else (
            _typo(person.document, rng) if rng.random() < 0.05 else person.document),
    }


def generate_lists(n_lists: int, n_people: int, seed: int = 1, duplicate_rate: float = 0.03
                   ) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """(lists by name, truth with list, record_id, person_id). Capture probabilities 0.25-0.55."""
    if n_lists < 1 or n_people < 1:
        raise ValueError("need at least one list and one person")
    rng = np.random.default_rng(seed)
    people = _people(n_people, rng)
    capture = rng.uniform(0.25, 0.55, size=n_lists)
    lists: dict[str, pd.DataFrame] = {}
    truth: list[dict[str, object]] = []
    for k in range(n_lists):
        name = f"list{k + 1}"
        rows: list[dict[str, str]] = []
        caught = np.flatnonzero(rng.random(n_people) < capture[k])
        for idx in caught:
            copies = 2 if rng.random() < duplicate_rate else 1
            for _ in range(copies):
                record_id = f"{name[0].upper()}{k + 1}-{len(rows) + 1:06d}"
                rows.append(_record(people[idx], record_id, rng))
                truth.append({"list": name, "record_id": record_id, "person_id": people[idx].person_id})
        order = rng.permutation(len(rows))
        lists[name] = pd.DataFrame([rows[i] for i in order])
    return lists, pd.DataFrame(truth)
