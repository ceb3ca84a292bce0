"""Reads of releases and source datasets. `get_*_for_user` answers 404 for missing and for not yours;
the public pages read published releases only."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from django.db.models import QuerySet
from django.http import Http404

from ctm.core import crypto
from ctm.core.domain.security import record_refusal
from ctm.core.scopes import scopes_disabled
from ctm.privacy.engine import read_table_bytes
from ctm.privacy.enums import DatasetSource, ReleaseStatus
from ctm.privacy.models import Dataset, Release


def releases_for_user(membership: Any) -> QuerySet[Release]:
    return Release.objects.filter(organization_id=membership.organization_id).select_related(
        "dataset", "created_by", "reviewed_by", "published_by"
    )


def get_release_for_user(membership: Any, pk: int) -> Release:
    release = releases_for_user(membership).filter(pk=pk).first()
    if release is None:
        record_refusal("security.release.refused", membership, pk)
        raise Http404("No such release")
    return release


def datasets_for_user(membership: Any) -> QuerySet[Dataset]:
    return Dataset.objects.filter(organization_id=membership.organization_id).select_related("created_by")


def uploaded_datasets_for_user(membership: Any) -> QuerySet[Dataset]:
    return datasets_for_user(membership).filter(source=DatasetSource.UPLOAD).order_by("-created_at", "-id")


def published_releases() -> QuerySet[Release]:
    """Every organization's published releases: they are public on purpose, so this read crosses
    organizations (the tenant scope is lifted here, for published rows only)."""
    with scopes_disabled():
        return (
            Release.objects.filter(status=ReleaseStatus.PUBLISHED)
            .select_related("organization", "dataset")  # the dataset words an untitled release
            .order_by("-published_at", "-id")
        )


def get_published_release(pk: int) -> Release:
    release = published_releases().filter(pk=pk).first()
    if release is None:
        raise Http404("No such published release")
    return release


def frame_to_bytes(frame: pd.DataFrame) -> bytes:
    """A table as Parquet bytes (strings and missing values kept, the CTDC notice in its metadata)."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()


def dataset_context(dataset: Dataset) -> str:
    return f"privacy-dataset:{dataset.organization_id}:{dataset.content_digest}"


def release_context(release: Release) -> str:
    return f"privacy-release:{release.organization_id}:{release.pk}"


def upload_frame(dataset: Dataset) -> pd.DataFrame:
    """An uploaded dataset, decrypted in memory only."""
    data = crypto.decrypt_bytes(dataset.key_id, bytes(dataset.blob or b""), dataset_context(dataset))
    return read_table_bytes(data, "dataset.parquet")


def release_frame(release: Release) -> pd.DataFrame:
    """The released table of a previewed release, decrypted in memory."""
    if not release.blob:
        return pd.DataFrame()
    data = crypto.decrypt_bytes(release.key_id, bytes(release.blob), release_context(release))
    return read_table_bytes(data, "release.parquet")
