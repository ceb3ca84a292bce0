from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "ctm.privacy"
    label = "privacy"
    verbose_name = _("Anonymized releases")

    def ready(self) -> None:
        from ctm.core.encrypted import register_blobs
        from ctm.privacy.domain.queries.releases import dataset_context, release_context
        from ctm.privacy.models import Dataset, Release

        # an uploaded dataset's rows and a release's preview table, for `ctm keys`
        register_blobs(Dataset, dataset_context, context_fields=("organization_id", "content_digest"))
        register_blobs(Release, release_context, context_fields=("organization_id",))
