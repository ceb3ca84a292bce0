from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def document_blob_context(document: Any) -> str:
    from ctm.funds.domain.documents import document_context  # when used: ready() stays light

    return document_context(document.organization_id, document.request_id)


class FundsConfig(AppConfig):
    name = "ctm.funds"
    label = "funds"
    verbose_name = _("Emergency assistance funds")

    def ready(self) -> None:
        _declare_log_words()  # the words of its activity-log entries (ctm.core.changes)
        from ctm.core.encrypted import register_blobs
        from ctm.funds.models import FundDocument

        # a document's bytes, for `ctm keys` (key rotation re-encrypts them)
        register_blobs(FundDocument, document_blob_context, context_fields=("organization_id", "request_id"))


def _declare_log_words() -> None:
    from ctm.core.changes import declare

    declare(
        labels={
            "document": _("Document"),
            "reviewers": _("Fund reviewers"),
            "remaining": _("Remaining"),
            "requested": _("Amount requested"),
            "lines": _("Budget lines"),
            "paid": _("Amount paid"),
            "released": _("Amount released"),
            "by_organization": _("Organization"),
        },
        organizations={"by_organization"},
        hidden={"document"},
    )
