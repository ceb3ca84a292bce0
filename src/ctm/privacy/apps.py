from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


# The contexts of the encrypted bytes, imported when used: the domain loads pandas and the engine,
# which django.setup() should not.
def dataset_blob_context(dataset: Any) -> str:
    from ctm.privacy.domain.queries.releases import dataset_context

    return dataset_context(dataset)


def release_blob_context(release: Any) -> str:
    from ctm.privacy.domain.queries.releases import release_context

    return release_context(release)


class PrivacyConfig(AppConfig):
    name = "ctm.privacy"
    label = "privacy"
    verbose_name = _("Anonymized releases")

    def ready(self) -> None:
        _declare_log_words()  # the words of its activity-log entries (ctm.core.changes)
        from ctm.core.encrypted import register_blobs
        from ctm.privacy.models import Dataset, Release

        # an uploaded dataset's rows and a release's preview table, for `ctm keys`
        register_blobs(Dataset, dataset_blob_context, context_fields=("organization_id", "content_digest"))
        register_blobs(Release, release_blob_context, context_fields=("organization_id",))


def _declare_log_words() -> None:
    from ctm.core.changes import declare

    declare(
        labels={
            "columns": _("Columns"),
            "organizations": _("Organizations"),
            "file": _("File"),
            "dataset": _("Dataset"),
        },
        organizations={"organizations"},
        hidden={"dataset"},
    )
