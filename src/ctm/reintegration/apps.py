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
        _declare_log_words()  # the words of its activity-log entries (ctm.core.changes)
        from ctm.reintegration.domain.queries.dashboard import register_panels
        from ctm.reintegration.interfaces.case_section import register

        register_panels()  # the manager views' panel (ctm.core.panels)
        register()  # the return and reintegration section of the case page
        from ctm.referrals.interfaces.related import register_related
        from ctm.reintegration.interfaces.related import returns_served

        register_related(returns_served)  # the referral page names the return it serves


def _declare_log_words() -> None:
    from ctm.core.changes import declare
    from ctm.reintegration.enums import ClosureCheck

    declare(
        labels={
            "checks": _("Checklist"),
            "checklist": _("Closure checklist"),
            "referral_state": _("State of the referral"),
            "open_tasks": _("Open tasks"),
            "closed": _("Case closed"),
            "visit": _("Monitoring visit"),
            "weights": _("Weights of the indicators"),
            "solution": _("Durable solution"),
            "assistance": _("Reintegration assistance"),
            "best_interests": _("Best-interests assessment"),
        },
        hidden={"visit", "solution", "assistance", "best_interests", "checklist"},
        lists={"checks": ClosureCheck},
        summaries={"weights"},
    )
