"""The files of a published release: data (CSV, Parquet), data dictionary, report (HTML, PDF), manifest.

They are written into a fresh folder, made read-only, hashed (SHA-256) into the manifest, and the
folder is moved into place in one step: a release is either published whole or not at all.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import stat
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from django.conf import settings
from django.utils.translation import gettext as _

from ctm.core.cells import neutralize_frame, neutralize_rows
from ctm.privacy.domain import report as report_docs
from ctm.privacy.engine import write_table
from ctm.privacy.enums import PUBLISHED_FILES, SYNTHESIS_METHODS, ReleaseMethod
from ctm.privacy.models import Release

MAX_VALUES = 60
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


def release_dir(release: Release) -> Path:
    return Path(settings.CTM_RELEASES_DIR) / f"release-{release.pk}"


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _words(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", name).lower()


def describe(column: str) -> str:
    """What a CTDC column holds, in plain words."""
    fixed = {
        "yearOfRegistration": _("Year the case was registered"),
        "Datasource": _("Where the record comes from (case management, hotline, …)"),
        "gender": _("Gender of the person"),
        "ageBroad": _("Age band at registration"),
        "majorityStatus": _("Minor or adult at registration"),
        "majorityStatusAtExploit": _("Minor or adult when the exploitation began"),
        "majorityEntry": _("Minor or adult when entering the trafficking situation"),
        "citizenship": _("Country of citizenship (ISO 3166 code)"),
        "CountryOfExploitation": _("Country where the exploitation took place (ISO 3166 code)"),
        "RecruiterRelationship": _("Relationship of the recruiter to the person"),
        "isAbduction": _("1 if the person was abducted"),
        "meansOfControlConcatenated": _("Means of control reported, separated by ';'"),
        "typeOfExploitConcatenated": _("Types of exploitation reported, separated by ';'"),
        "typeOfLabourConcatenated": _("Types of forced labour reported, separated by ';'"),
        "typeOfSexConcatenated": _("Types of sexual exploitation reported, separated by ';'"),
    }
    if column in fixed:
        return str(fixed[column])
    patterns = [
        ("meansOfControl", _("1 if this means of control was reported: %(name)s")),
        ("typeOfLabour", _("1 if this type of forced labour was reported: %(name)s")),
        ("typeOfSex", _("1 if this type of sexual exploitation was reported: %(name)s")),
        ("recruiterRelation", _("1 if the recruiter was: %(name)s")),
        ("is", _("1 if this type of exploitation was reported: %(name)s")),
    ]
    for prefix, text in patterns:
        if column.startswith(prefix):
            return str(text % {"name": _words(column[len(prefix) :])})
    return ""


def _treatment(release: Release, column: str, released: pd.Series) -> tuple[str, str]:
    """(role, generalization) of a column in this release."""
    if release.method == ReleaseMethod.SYNTHETIC:
        return str(_("synthetic")), str(_("sampled from a differentially private model; no row is a real record"))
    report = release.report
    if column in (report.get("levels") or {}):
        level = report["levels"][column]
        hierarchy = (report.get("hierarchies") or {}).get(column) or {}
        text = _("level %(level)s of %(height)s (%(kind)s hierarchy); empty in suppressed records") % {
            "level": level,
            "height": hierarchy.get("height", 1) - 1,
            "kind": hierarchy.get("kind", ""),
        }
        return str(_("quasi-identifier")), str(text)
    if column == report.get("sensitive"):
        return str(_("sensitive attribute")), str(_("as recorded"))
    return str(_("other")), str(_("as recorded"))


def dictionary_rows(release: Release, frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for column in frame.columns:
        role, treatment = _treatment(release, str(column), frame[column])
        values = sorted({str(v) for v in frame[column].dropna().unique()})
        shown = "; ".join(values[:MAX_VALUES]) + (" …" if len(values) > MAX_VALUES else "")
        rows.append(
            {
                "column": str(column),
                "description": describe(str(column)),
                "role": role,
                "generalization": treatment,
                "missing": int(frame[column].isna().sum()),
                "values": shown,
            }
        )
    return rows


def _dictionary_csv(rows: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=["column", "description", "role", "generalization", "missing", "values"]
    )
    writer.writeheader()
    writer.writerows(neutralize_rows(rows))
    return buffer.getvalue().encode("utf-8")


def method_text(release: Release) -> str:
    if release.method == ReleaseMethod.SYNTHETIC:
        name = SYNTHESIS_METHODS.get(release.parameters.get("method", ""), "")
        return str(_("Differentially private synthetic data: %(method)s") % {"method": name})
    return str(ReleaseMethod.KANON.label)


def manifest(release: Release, files: list[dict[str, Any]], published_at: str) -> dict[str, Any]:
    """What the release is and how it was made; every file with its SHA-256."""
    return {
        "release": release.pk,
        "title": release.title,
        "organization": release.organization.name,
        "method": "synthetic" if release.is_synthetic else "k-anonymity",
        "method_description": method_text(release),
        "parameters": release.parameters,
        "epsilon_spent": release.epsilon if release.is_synthetic else 0.0,
        "delta": release.report.get("delta") if release.is_synthetic else None,
        "rows": release.rows,
        "source": release.dataset.source,
        # a synthetic release never publishes the exact number of people behind it (a disclosure in itself)
        "source_rows": None if release.is_synthetic else release.source_rows,
        "date": published_at,
        "approved_at": release.reviewed_at.isoformat(timespec="seconds") if release.reviewed_at else None,
        "notice": release.report.get("notice"),
        "files": files,
    }


def _rows_line(release: Release) -> str:
    if release.is_synthetic:
        return str(_("Synthetic rows released: %(n)s (about as many as the source, a noisy count)") % {"n": release.rows})
    return str(_("Rows released: %(n)s of %(source)s") % {"n": release.rows, "source": release.source_rows})


def write_release(release: Release, frame: pd.DataFrame, published_at: str) -> tuple[Path, dict[str, Any]]:
    """Write every file into a fresh folder next to the final one; return it with the manifest."""
    root = Path(settings.CTM_RELEASES_DIR)
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".release-{release.pk}-", dir=root))
    try:
        write_table(neutralize_frame(frame), work / "data.csv")  # spreadsheet formulas never run
        write_table(frame, work / "data.parquet")
        (work / "dictionary.csv").write_bytes(_dictionary_csv(dictionary_rows(release, frame)))
        intro = [
            _("Organization: %(org)s") % {"org": release.organization.name},
            _("Method: %(method)s") % {"method": method_text(release)},
            _rows_line(release),
            _("Published on %(date)s") % {"date": published_at[:10]},
        ]
        extra = {"intro": intro, "published_at": published_at}
        (work / "report.html").write_text(report_docs.html_report(release, extra), encoding="utf-8")
        (work / "report.pdf").write_bytes(report_docs.pdf_report(release, extra))
        files = [_entry(work / name) for name in PUBLISHED_FILES if name != "manifest.json"]
        data = manifest(release, files, published_at)
        (work / "manifest.json").write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        for path in work.iterdir():
            path.chmod(READ_ONLY)
    except BaseException:
        discard(work)
        raise
    return work, data


def _entry(path: Path) -> dict[str, Any]:
    return {
        "name": path.name,
        "sha256": sha256(path),
        "bytes": path.stat().st_size,
        "content_type": PUBLISHED_FILES[path.name],
    }


def move_into_place(work: Path, release: Release) -> Path:
    """Move the written folder to its final name; a leftover of an unpublished attempt is replaced."""
    final = release_dir(release)
    if final.exists():
        discard(final)
    work.rename(final)
    return final


def discard(folder: Path) -> None:
    for path in folder.glob("*"):
        path.chmod(stat.S_IWUSR | stat.S_IRUSR)
    shutil.rmtree(folder, ignore_errors=True)
