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
        _declare_log_words()  # the words of its activity-log entries (ctm.core.changes)
        from ctm.referrals.domain.queries.dashboard import register_panels
        from ctm.referrals.interfaces.case_section import register

        register_panels()  # the manager views' panel (ctm.core.panels)
        register()  # the referrals section of the case page
        from ctm.cases.domain.cases import reopen_refusal
        from ctm.referrals.domain.answers import transferred_away

        reopen_refusal(transferred_away)  # the sender does not reopen a case it transferred


def _declare_log_words() -> None:
    from ctm.assistance.enums import SupportType
    from ctm.core.changes import declare
    from ctm.referrals.enums import RecordPart

    declare(
        labels={
            "referral": _("Referral"),
            "received_case": _("Case opened by the receiving organization"),
            "to": _("Sent to"),
            "consent_override": _("Sent without the person's consent (reason kept)"),
        },
        organizations={"to"},
        hidden={"referral"},
        lists={"services": SupportType, "parts": RecordPart},
    )
