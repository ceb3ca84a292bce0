from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ctm.privacy.engine import InputError, read_hierarchy_csv, read_table, read_table_bytes, write_table
from ctm.privacy.engine.hierarchies import TOP, build, guess_kind

NOTICE = "By using this data you agree to the Terms of Use: https://www.ctdatacollaborative.org/terms-use"


@pytest.mark.parametrize("sep", [";", ",", "\t", "|"])
def test_read_table_sniffs_the_delimiter(tmp_path: Path, sep: str) -> None:
    path = tmp_path / "cases.csv"
    path.write_text(sep.join(["gender", "ageBroad", "year"]) + "\nFemale" + sep + "18--20" + sep + "2019\n")
    frame = read_table(path)
    assert list(frame.columns) == ["gender", "ageBroad", "year"]
    assert frame.iloc[0].tolist() == ["Female", "18--20", "2019"]


def test_ctdc_notice_column_is_read_as_it_is_and_written_back(tmp_path: Path) -> None:
    path = tmp_path / "ctdc.csv"
    path.write_text(f"{NOTICE};yearOfRegistration;gender;isAbduction\r\n;2019;Female;0\r\n;;Male;1")
    frame = read_table(path)
    assert list(frame.columns) == ["yearOfRegistration", "gender", "isAbduction"]
    assert frame.attrs["notice"] == NOTICE
    assert frame["yearOfRegistration"].tolist() == ["2019", None]
    out = tmp_path / "out.csv"
    write_table(frame, out)
    assert out.read_text().splitlines()[0].startswith(NOTICE + ",yearOfRegistration")
    assert read_table(out).equals(frame)


def test_xlsx_and_parquet_give_the_same_strings(tmp_path: Path) -> None:
    frame = pd.DataFrame({"year": [2019.0, None], "gender": ["Female", "Male"]})
    frame.to_excel(tmp_path / "a.xlsx", index=False)
    frame.to_parquet(tmp_path / "a.parquet")
    for name in ("a.xlsx", "a.parquet"):
        read = read_table(tmp_path / name)
        assert read["year"].tolist() == ["2019", None]
        assert read["gender"].tolist() == ["Female", "Male"]


def test_bytes_in_memory_read_like_files(tmp_path: Path) -> None:
    """An upload is read from memory: the format is told by the content, not the name."""
    ctdc = f"{NOTICE};yearOfRegistration;gender\r\n;2019;Female\r\n;;Male".encode()
    frame = read_table_bytes(ctdc, "anything.bin")
    assert list(frame.columns) == ["yearOfRegistration", "gender"] and frame.attrs["notice"] == NOTICE
    source = pd.DataFrame({"year": [2019.0, None], "gender": ["Female", "Male"]})
    source.to_excel(tmp_path / "a.xlsx", index=False)
    source.to_parquet(tmp_path / "a.parquet")
    for name in ("a.xlsx", "a.parquet"):
        read = read_table_bytes((tmp_path / name).read_bytes(), "upload.csv")
        assert read["year"].tolist() == ["2019", None] and read["gender"].tolist() == ["Female", "Male"]
    with pytest.raises(InputError, match="empty"):
        read_table_bytes(b"  \n", "x.csv")
    with pytest.raises(InputError, match="cannot read"):
        read_table_bytes(b"PAR1 broken", "x.parquet")


def test_bad_files_raise_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not found"):
        read_table(tmp_path / "nope.csv")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match="cannot read"):
        read_table(bad)


def test_age_hierarchy_goes_bands_wider_minor_adult_top() -> None:
    hierarchy = build("age", ["5", "19", "25", "35", "60"])
    assert hierarchy.ancestors("19") == ["19", "18--20", "18--29", "Adult", TOP]
    assert hierarchy.ancestors("5") == ["5", "0--8", "0--17", "Minor", TOP]
    assert hierarchy.ancestors("60") == ["60", "48+", "48+", "Adult", TOP]
    assert hierarchy.ancestors(None) == [None, None, None, None, TOP]


def test_ctdc_age_bands_skip_the_level_that_equals_the_data() -> None:
    hierarchy = build("age", ["9--17", "18--20", "21--23", "48+"])
    assert hierarchy.ancestors("21--23") == ["21--23", "18--29", "Adult", TOP]


def test_country_hierarchy_uses_un_m49_regions_for_alpha2_and_alpha3() -> None:
    hierarchy = build("country", ["UA", "MDA", "PH", "US"])
    assert hierarchy.ancestors("UA") == ["UA", "Eastern Europe", "Europe", TOP]
    assert hierarchy.ancestors("MDA") == ["MDA", "Eastern Europe", "Europe", TOP]
    assert hierarchy.ancestors("PH") == ["PH", "South-eastern Asia", "Asia", TOP]
    assert hierarchy.generalize("US", 1) == "Northern America"


def test_year_and_flag_hierarchies() -> None:
    assert build("year", ["2016", "2021"]).ancestors("2016") == ["2016", "2015--2019", "2010--2019", TOP]
    assert build("flag", ["0", "1"]).ancestors("1") == ["1", TOP]


def test_guess_kind_from_name_and_values() -> None:
    assert guess_kind("ageBroad", ["9--17", "18--20"]) == "age"
    assert guess_kind("citizenship", ["UA", "PH", "MD"]) == "country"
    assert guess_kind("yearOfRegistration", ["2015", "2019"]) == "year"
    assert guess_kind("isAbduction", ["0", "1"]) == "flag"
    assert guess_kind("gender", ["Female", "Male"]) == "categorical"


def test_custom_hierarchy_csv(tmp_path: Path) -> None:
    path = tmp_path / "relation.csv"
    path.write_text("Intimate Partner;Close;Known\nFamily/Relative;Close;Known\nOther;Other;Other\n")
    hierarchy = read_hierarchy_csv(path, ["Intimate Partner", "Other"])
    assert hierarchy.ancestors("Intimate Partner") == ["Intimate Partner", "Close", "Known", TOP]
    with pytest.raises(InputError, match="lacks values"):
        read_hierarchy_csv(path, ["Stranger"])
