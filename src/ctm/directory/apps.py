from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "ctm.directory"
    label = "directory"
    verbose_name = _("Contact directory")

    def ready(self) -> None:
        _declare_log_words()  # the words of its activity-log entries (ctm.core.changes)


def _declare_log_words() -> None:
    from ctm.core.changes import declare

    declare(
        labels={"visibility": _("Visibility"), "imported": _("Entries imported"), "refs": _("Entries read")},
        hidden={"refs"},
    )
