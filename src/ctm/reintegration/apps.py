from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReintegrationConfig(AppConfig):
    name = "ctm.reintegration"
    label = "reintegration"
    verbose_name = _("Return and reintegration")

    def load_demo(self, seed: int) -> str:
        """Called by `ctm demo` after the register's and assistance's demo data."""
        from ctm.reintegration.demo_data import load_demo

        return f"returns and reintegration for {load_demo(seed)} cases"

    def ready(self) -> None:
        from ctm.reintegration.domain.queries.dashboard import register_panels
        from ctm.reintegration.interfaces.case_section import register

        register_panels()  # the manager views' panel (ctm.core.panels)
        register()  # the return and reintegration section of the case page
        from ctm.referrals.interfaces.related import register_related
        from ctm.reintegration.interfaces.related import returns_served

        register_related(returns_served)  # the referral page names the return it serves
