"""The referrals panel of the manager views (ctm.core.panels): the organization's referrals sent and
received by state, and how many wait past their answer date. Counts only, no free text."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ctm.core.panels import Chart, Panel, PanelData, PanelScope, register
from ctm.referrals.domain.queries.access import received_referrals, sent_referrals
from ctm.referrals.domain.queries.inbox import is_overdue
from ctm.referrals.enums import ReferralState


def referrals_by_state(scope: PanelScope) -> PanelData:
    sent, received = sent_referrals(scope.membership), received_referrals(scope.membership)
    labels = dict(ReferralState.choices)
    rows: list[list[object]] = [
        [str(labels[state]), sum(r.state == state for r in sent), sum(r.state == state for r in received)]
        for state in ReferralState.values
    ]
    rows.append(
        [
            _("Overdue (no answer by its date)"),
            sum(is_overdue(r, scope.today) for r in sent),
            sum(is_overdue(r, scope.today) for r in received),
        ]
    )
    columns = [_("State"), _("Sent"), _("Received")]
    chart = Chart(
        categories=[str(r[0]) for r in rows],
        series={columns[1]: [float(r[1]) for r in rows], columns[2]: [float(r[2]) for r in rows]},  # type: ignore[arg-type]
        horizontal=True,
        value_label=_("referrals"),
    )
    note = _("The organization's referrals, whatever the office: a referral belongs to the organization.")
    return PanelData(columns, rows, chart, note)


def register_panels() -> None:
    register(
        Panel(
            "referrals.states",
            gettext_lazy("Referrals sent and received, and overdue"),
            referrals_by_state,
            order=70,
            per_member=True,  # the lists are the member's (cases they may read)
        )
    )
