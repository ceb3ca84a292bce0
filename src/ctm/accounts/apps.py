from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ctm.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        _declare_log_words()  # the words of its activity-log entries (ctm.core.changes)
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from ctm.accounts.middleware import stamp_login

        user_locked_out.connect(_locked_out, dispatch_uid="ctm.accounts.locked_out")
        user_logged_in.connect(stamp_login, dispatch_uid="ctm.accounts.stamp_login")


def _locked_out(
    sender: object, request: object = None, username: str | None = None, **kwargs: object
) -> None:
    """django-axes locked a username out: one entry in the activity log."""
    from ctm.accounts.domain.auth import register_lockout

    register_lockout(username or "")


def _declare_log_words() -> None:
    from ctm.core.changes import declare

    declare(
        labels={
            "two_factor": _("Two-factor authentication"),
            "codes_left": _("Recovery codes left"),
            "devices_removed": _("Authenticator apps removed"),
            "api_tokens_revoked": _("API tokens revoked"),
        }
    )
