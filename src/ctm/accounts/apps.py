from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "ctm.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from ctm.accounts.middleware import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="ctm.accounts.stamp_login")
