from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ctm.core"
    label = "core"
    verbose_name = _("Organizations and activity log")

    def ready(self) -> None:
        from ctm.core import checks  # noqa: F401  (registers the system checks)
