from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "ctm.referrals"
    label = "referrals"
    verbose_name = _("Referrals and transfers")

    def load_demo(self, seed: int) -> str:
        """Called by `ctm demo` after the register's and assistance's demo data."""
        from ctm.referrals.demo_data import load_demo

        return f"{load_demo(seed)} referrals between the demo organizations"

    def ready(self) -> None:
        from ctm.referrals.domain.queries.dashboard import register_panels
        from ctm.referrals.interfaces.case_section import register

        register_panels()  # the manager views' panel (ctm.core.panels)
        register()  # the referrals section of the case page
