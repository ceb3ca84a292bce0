from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def list_blob_context(upload: Any) -> str:
    # imported when used: the domain loads pandas, which django.setup() should not
    from ctm.linkage.domain.queries.records import upload_context

    return upload_context(upload.organization_id, upload.run_id)


class LinkageConfig(AppConfig):
    name = "ctm.linkage"
    label = "linkage"
    verbose_name = _("Record linkage and estimates")

    def ready(self) -> None:
        _declare_log_words()  # the words of its activity-log entries (ctm.core.changes)
        from ctm.core.encrypted import register_blobs
        from ctm.linkage.models import ListUpload

        # an uploaded list's records, for `ctm keys`
        register_blobs(ListUpload, list_blob_context, context_fields=("organization_id", "run_id"))


def _declare_log_words() -> None:
    from ctm.core.changes import declare

    declare(
        labels={
            "estimate": _("Estimate"),
            "interval": _("Interval"),
            "bootstrap": _("Bootstrap"),
            "clusters": _("Clusters"),
            "lists": _("Lists"),
        }
    )
