"""Readable, translated labels for activity-log action codes (shown in timelines and the log)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "cases.case.opened": _("Case opened"),
    "cases.case.updated": _("Case details changed"),
    "cases.case.assigned": _("Owner or team changed"),
    "cases.case.stage_changed": _("Stage changed"),
    "cases.case.closed": _("Case closed"),
    "cases.case.closure_requested": _("Closure requested (awaiting a case manager)"),
    "cases.case.closure_rejected": _("Closure request sent back"),
    "cases.case.reopened": _("Case reopened"),
    "cases.case.shared": _("Shared with another organization"),
    "cases.case.share_revoked": _("Sharing ended"),
    "cases.person.updated": _("Personal data changed"),
    "cases.person.viewed": _("Personal data viewed"),
    "cases.document.added": _("Identity document added"),
    "cases.document.removed": _("Identity document removed"),
    "cases.screening.recorded": _("Screening interview recorded"),
    "cases.eligibility.proposed": _("Eligibility decision proposed"),
    "cases.eligibility.reviewed": _("Eligibility decision reviewed"),
    "cases.victim_context.updated": _("Victim context changed"),
    "cases.event.added": _("Trafficking event added"),
    "cases.event.removed": _("Trafficking event removed"),
    "cases.consent.recorded": _("Consent recorded"),
    "cases.consent.withdrawn": _("Consent withdrawn"),
    "cases.guardian.added": _("Guardian added"),
    "cases.best_interests.recorded": _("Best-interests assessment recorded"),
    "cases.note.added": _("Note added"),
    "cases.attachment.added": _("Attachment added"),
    "cases.attachment.downloaded": _("Attachment downloaded"),
}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))
