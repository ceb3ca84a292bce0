from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def attachment_blob_context(attachment: Any) -> str:
    from ctm.cases.domain.notes import attachment_context  # when used: ready() stays light

    return attachment_context(attachment.organization_id, attachment.case_id)


class CasesConfig(AppConfig):
    name = "ctm.cases"
    label = "cases"
    verbose_name = _("Case register")

    def ready(self) -> None:
        from ctm.cases.domain.queries.dashboard import register_panels
        from ctm.cases.models import Attachment
        from ctm.core.encrypted import register_blobs

        register_panels()  # the manager views' caseload and stage panels (ctm.core.panels)

        # an attachment's bytes, for `ctm keys` (the encrypted columns are found without declaring them)
        register_blobs(Attachment, attachment_blob_context, context_fields=("organization_id", "case_id"))
