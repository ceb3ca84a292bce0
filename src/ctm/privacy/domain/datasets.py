"""Source datasets: the organization's own cases, and uploads in the CTDC schema (encrypted at rest).

Each has a privacy budget fixed when it is first used (`CTM_PRIVACY_TOTAL_EPSILON`). An upload with
the same content as an earlier one of the organization is the same dataset, with the same budget:
uploading a file again never buys more epsilon.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from django.conf import settings
from django.db import IntegrityError, transaction

from ctm.core import crypto
from ctm.privacy.domain.common import log, require_preparer
from ctm.privacy.domain.queries.releases import dataset_context, frame_to_bytes
from ctm.privacy.engine import budget
from ctm.privacy.enums import DatasetSource
from ctm.privacy.models import Dataset
from ctm.privacy.validators import check_ctdc_columns


def own_cases_dataset(*, by: Any) -> Dataset:
    """The organization's own-cases dataset (made the first time a release is built from it)."""
    require_preparer(by)
    found = Dataset.objects.filter(organization_id=by.organization_id).filter(source=DatasetSource.CASES).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            dataset = Dataset.objects.create(
                organization=by.organization,
                source=DatasetSource.CASES,
                label="",  # "Our own cases", worded when shown (Dataset.title)
                created_by=by.user,
                total_epsilon=settings.CTM_PRIVACY_TOTAL_EPSILON,
            )
            log("privacy.dataset.created", by, dataset, dataset.title, {"source": [None, dataset.source]})
            return dataset
    except IntegrityError:  # made by a colleague at the same moment
        return Dataset.objects.filter(organization_id=by.organization_id).get(source=DatasetSource.CASES)


def upload_dataset(*, by: Any, frame: pd.DataFrame, filename: str, label: str = "") -> Dataset:
    """Store an uploaded table encrypted (or find the earlier upload with the same content)."""
    require_preparer(by)
    check_ctdc_columns(frame.columns)
    digest = budget.dataset_id(frame)
    found = Dataset.objects.filter(organization_id=by.organization_id).filter(
        source=DatasetSource.UPLOAD, content_digest=digest
    )
    if found.exists():
        return found.get()
    dataset = Dataset(
        organization=by.organization,
        source=DatasetSource.UPLOAD,
        label=label[:200],  # empty: what the upload is (never its file name), worded when shown
        filename=filename[:200],
        created_by=by.user,
        total_epsilon=settings.CTM_PRIVACY_TOTAL_EPSILON,
        rows=len(frame),
        columns=[str(c) for c in frame.columns],
        content_digest=digest,
    )
    dataset.key_id, dataset.blob = crypto.encrypt_bytes(frame_to_bytes(frame), dataset_context(dataset))
    try:
        with transaction.atomic():
            dataset.save()
            log(
                "privacy.dataset.uploaded",
                by,
                dataset,
                dataset.title,
                {"rows": [None, dataset.rows], "columns": [None, len(dataset.columns)]},
            )
    except IntegrityError:  # the same file uploaded by a colleague at the same moment
        return found.get()
    return dataset
