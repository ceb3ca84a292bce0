from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "ctm.assistance"
    label = "assistance"
    verbose_name = _("Assistance")

    def load_demo(self, seed: int) -> str:
        """Called by `ctm demo` after the register's demo data (the register does not import us)."""
        from ctm.assistance.demo_data import load_demo

        return f"assistance for {load_demo(seed)} cases, with shelters"

    def ready(self) -> None:
        _declare_log_words()  # the words of its activity-log entries (ctm.core.changes)
        from ctm.assistance.interfaces.case_section import register

        register()  # the assistance section of the case page, and its lines of the summary
        from ctm.assistance.domain import hooks
        from ctm.assistance.domain.queries.dashboard import register_panels
        from ctm.cases.models import EligibilityDecision, ScreeningInterview

        register_panels()  # the manager views' services and tasks panels (ctm.core.panels)
        # tasks raised by the case register's events (see hooks.py)
        post_save.connect(
            hooks.screening_recorded, sender=ScreeningInterview, dispatch_uid="assistance.screening"
        )
        post_save.connect(
            hooks.eligibility_proposed, sender=EligibilityDecision, dispatch_uid="assistance.eligibility"
        )


def _declare_log_words() -> None:
    from ctm.assistance.enums import TaskKind
    from ctm.core.changes import declare

    declare(
        labels={
            "plan": _("Assistance plan"),
            "service": _("Service"),
            "shelter": _("Shelter"),
            "task": _("Task"),
            "tasks": _("Tasks"),
            "superseded": _("Plans replaced"),
            "risk_factors": _("Risk factors"),
            "protective_factors": _("Protective factors"),
            "over_capacity": _("Over capacity"),
        },
        users={"responsible", "assessor"},
        lists={"tasks": TaskKind},
    )
