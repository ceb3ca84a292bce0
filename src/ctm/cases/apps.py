from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "ctm.cases"
    label = "cases"
    verbose_name = _("Case register")

    def ready(self) -> None:
        from ctm.cases.domain.notes import attachment_context
        from ctm.cases.models import Attachment
        from ctm.core.encrypted import register_blobs

        # an attachment's bytes, for `ctm keys` (the encrypted columns are found without declaring them)
        register_blobs(
            Attachment,
            lambda a: attachment_context(a.organization_id, a.case_id),
            context_fields=("organization_id", "case_id"),
        )
