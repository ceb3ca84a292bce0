from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "ctm.linkage"
    label = "linkage"
    verbose_name = _("Record linkage and estimates")

    def ready(self) -> None:
        from ctm.core.encrypted import register_blobs
        from ctm.linkage.domain.queries.records import upload_context
        from ctm.linkage.models import ListUpload

        # an uploaded list's records, for `ctm keys`
        register_blobs(
            ListUpload,
            lambda u: upload_context(u.organization_id, u.run_id),
            context_fields=("organization_id", "run_id"),
        )
