from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RuntimeConfig(AppConfig):
    """How CTM runs: the web server, the job worker, health endpoints, backups (docs/operations.md)."""

    name = "ctm.runtime"
    label = "runtime"
    verbose_name = _("Server, jobs and backups")

    def ready(self) -> None:
        from ctm.runtime import checks  # noqa: F401  (registers the system checks)
