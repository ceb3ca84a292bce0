"""Read any tabular input (CSV with any delimiter, XLSX, Parquet) into a DataFrame of strings.

Every cell becomes a string or missing (``pd.NA``): the privacy engine treats quasi-identifiers as
categories, and integer-valued floats (``2019.0`` in a Parquet or Feather copy of CTDC) are written
back as integers (``2019``). The published CTDC CSV opens with a terms-of-use notice as its first
header cell over an always-empty column; that column is kept out of the data and the notice is kept
in ``df.attrs["notice"]`` so that it can be written back in front of the output.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

DELIMITERS = ",;\t|"
NOTICE_MARKERS = ("terms of use", "by using this data")
ZIP_MAGIC = b"PK\x03\x04"
PARQUET_MAGIC = b"PAR1"


class InputError(ValueError):
    """Bad input (missing or unreadable file, unknown column, impossible parameter): one-line message."""


def read_table(path: str | Path) -> pd.DataFrame:
    """Read CSV/TSV (delimiter sniffed), XLSX or Parquet into a DataFrame of strings."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"input file not found: {path}")
    return _read(path, path.suffix.lower(), path.name)


def read_table_bytes(data: bytes, name: str = "") -> pd.DataFrame:
    """Like ``read_table``, from bytes held in memory (an upload never written to disk in plaintext).

    The format is told by the content (XLSX is a ZIP, Parquet starts with ``PAR1``), else CSV."""
    if data.startswith(ZIP_MAGIC):
        suffix = ".xlsx"
    elif data.startswith(PARQUET_MAGIC):
        suffix = ".parquet"
    else:
        suffix = ".csv"
    return _read(io.BytesIO(data), suffix, name or "upload")


def _read(source: Path | io.BytesIO, suffix: str, name: str) -> pd.DataFrame:
    try:
        if suffix in {".xlsx", ".xlsm", ".xls"}:
            frame = pd.read_excel(source, dtype=object)
        elif suffix in {".parquet", ".pq"}:
            frame = pd.read_parquet(source)
        elif suffix in {".feather", ".ft"}:
            frame = pd.read_feather(source)
        else:
            frame = _read_csv(source, name)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"cannot read {name}: {type(exc).__name__}: {exc}".splitlines()[0]) from exc
    return _normalise(_strip_notice(frame))


def normalise_table(frame: pd.DataFrame) -> pd.DataFrame:
    """Like ``read_table``, for a table already read (an uploaded XLSX streamed by a safe reader)."""
    return _normalise(_strip_notice(frame))


def _read_csv(source: Path | io.BytesIO, name: str) -> pd.DataFrame:
    if isinstance(source, Path):
        with source.open("r", encoding="utf-8-sig", errors="strict", newline="") as handle:
            sample = handle.read(64 * 1024)
    else:
        sample = source.getvalue()[: 64 * 1024].decode("utf-8-sig", errors="ignore")
    if not sample.strip():
        raise InputError(f"input file is empty: {name}")
    delimiter = sniff_delimiter(sample)
    return pd.read_csv(
        source, sep=delimiter, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8-sig"
    )


def sniff_delimiter(sample: str) -> str:
    """The delimiter of a CSV sample: csv.Sniffer first, then the commonest candidate in the header."""
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = sample.splitlines()[0]
        return max(DELIMITERS, key=header.count)


def _strip_notice(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.shape[1] == 0:
        raise InputError("input has no columns")
    first = str(frame.columns[0])
    is_notice = any(marker in first.lower() for marker in NOTICE_MARKERS)
    if is_notice and frame.iloc[:, 0].isna().all():
        frame = frame.iloc[:, 1:].copy()
        frame.attrs["notice"] = first
    return frame


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    notice = frame.attrs.get("notice")
    out = pd.DataFrame({str(col): _as_strings(frame[col]) for col in frame.columns}, index=frame.index)
    if notice:
        out.attrs["notice"] = notice
    return out


def _as_strings(series: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        values = series.to_numpy(dtype=float, na_value=np.nan)
        finite = values[~np.isnan(values)]
        if finite.size and np.all(np.mod(finite, 1) == 0):
            series = series.astype("Int64")
    values = series.astype("string").str.strip().to_numpy(dtype=object, na_value=None)
    values[values == ""] = None
    return pd.Series(values, index=series.index, dtype=object, name=series.name)


def write_table(frame: pd.DataFrame, path: str | Path) -> None:
    """Write CSV (comma-separated; the CTDC notice, if any, goes back as the first header cell), XLSX or
    Parquet, chosen by the file's suffix."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix in {".parquet", ".pq"}:
        frame.to_parquet(path, index=False)
    elif suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        out = frame
        notice = frame.attrs.get("notice")
        if notice:
            out = frame.copy()
            out.insert(0, str(notice), None)
        out.to_csv(path, index=False)
