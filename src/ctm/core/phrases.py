"""Readable, translated labels for activity-log action codes (shown in timelines and the log).

Every action code written anywhere in `src/ctm` has a label here: `tests/core/test_action_labels.py`
reads the source for the codes and fails on one without a label.
"""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    # accounts
    "accounts.user.created": _("User created"),
    "accounts.user.locked": _("User locked out after failed logins"),
    "accounts.login.succeeded": _("Logged in"),
    "accounts.login.failed": _("Login failed"),
    "accounts.two_factor.enabled": _("Two-factor authentication enabled"),
    "accounts.two_factor.replaced": _("Authenticator app replaced (new recovery codes)"),
    "accounts.two_factor.recovery_code_used": _("Signed in with a recovery code"),
    "accounts.two_factor.recovery_codes_renewed": _("New recovery codes made"),
    "accounts.two_factor.reset": _("Second factor reset by an organization admin"),
    "accounts.password.changed": _("Password changed"),
    "accounts.password.reset": _("Password reset by an organization admin"),
    "accounts.api_token.created": _("API token created"),
    "accounts.api_token.revoked": _("API token revoked"),
    # organizations, retention, keys
    "core.organization.created": _("Organization created"),
    "core.organization.updated": _("Organization settings changed"),
    "core.office.created": _("Office added"),
    "core.membership.created": _("Member added"),
    "core.membership.changed": _("Member's role, office or access changed"),
    "core.retention_rule.updated": _("Retention rule changed"),
    "core.keys.rotated": _("Encryption keys rotated"),
    "core.audit.rekeyed": _("Activity log sealed under the audit key (upgrade)"),
    # case register
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
    "cases.person.searched": _("Persons searched"),
    "cases.person.exported": _("Person's full record exported (before erasure)"),
    "cases.person.erased": _("Person's identifying data erased"),
    "cases.document.added": _("Identity document added"),
    "cases.document.removed": _("Identity document removed"),
    "cases.screening.recorded": _("Screening interview recorded"),
    "cases.screening.viewed": _("Screening interview viewed"),
    "cases.eligibility.proposed": _("Eligibility decision proposed"),
    "cases.eligibility.reviewed": _("Eligibility decision reviewed"),
    "cases.eligibility.viewed": _("Eligibility decision viewed"),
    "cases.victim_context.updated": _("Victim context changed"),
    "cases.victim_context.viewed": _("Victim context viewed (place of recruitment)"),
    "cases.event.added": _("Trafficking event added"),
    "cases.event.removed": _("Trafficking event removed"),
    "cases.events.viewed": _("Trafficking events viewed (places)"),
    "cases.consent.recorded": _("Consent recorded"),
    "cases.consent.withdrawn": _("Consent withdrawn"),
    "cases.guardian.added": _("Guardian added"),
    "cases.guardians.viewed": _("Guardians viewed"),
    "cases.best_interests.recorded": _("Best-interests assessment recorded"),
    "cases.note.added": _("Note added"),
    "cases.notes.viewed": _("Notes viewed"),
    "cases.attachment.added": _("Attachment added"),
    "cases.attachment.downloaded": _("Attachment downloaded"),
    # anonymized releases
    "privacy.dataset.created": _("Own-cases dataset created for releases"),
    "privacy.dataset.uploaded": _("Dataset uploaded for releases"),
    "privacy.research_view.built": _("Research view of the cases built"),
    "privacy.release.created": _("Release prepared"),
    "privacy.release.previewed": _("Release ready for review"),
    "privacy.release.failed": _("Release failed"),
    "privacy.release.interrupted": _("Release interrupted (marked failed)"),
    "privacy.release.approved": _("Release approved"),
    "privacy.release.rejected": _("Release rejected"),
    "privacy.release.published": _("Release published"),
    "privacy.release.downloaded": _("Published release file downloaded"),
    # contact directory
    "directory.entry.created": _("Directory entry added"),
    "directory.entry.updated": _("Directory entry changed"),
    "directory.entry.verified": _("Directory entry verified"),
    "directory.entry.deleted": _("Directory entry deleted"),
    "directory.entries.imported": _("Directory entries imported"),
    # emergency assistance funds
    "funds.fund.created": _("Emergency fund opened"),
    "funds.request.created": _("Fund request drafted"),
    "funds.request.submitted": _("Fund request submitted"),
    "funds.request.identity_granted": _("Fund reviewers allowed to see who a request is for"),
    "funds.request.identity_withdrawn": _("Fund reviewers no longer see who a request is for"),
    "funds.request.review_started": _("Fund request: eligibility review started"),
    "funds.request.decided": _("Fund request decided"),
    "funds.request.disbursed": _("Fund request: payment recorded"),
    "funds.request.reported": _("Fund request: final report"),
    "funds.request.closed": _("Fund request closed"),
    "funds.document.added": _("Fund request: document added"),
    "funds.document.downloaded": _("Fund request: document downloaded"),
    # security events: refused attempts (404 for "not yours")
    "security.case.refused": _("Refused: a case that is not yours (or does not exist)"),
    "security.release.refused": _("Refused: a release that is not yours (or does not exist)"),
    "security.linkage_run.refused": _("Refused: a linkage run that is not yours (or does not exist)"),
    "security.estimate.refused": _("Refused: an estimate that is not yours (or does not exist)"),
    "security.fund_request.refused": _(
        "Refused: a fund request that is not yours to see (or does not exist)"
    ),
    "security.directory_entry.refused": _(
        "Refused: a private directory entry of another organization (or none)"
    ),
    # record linkage and estimates
    "linkage.run.created": _("Linkage run started"),
    "linkage.run.linked": _("Linkage run finished"),
    "linkage.run.failed": _("Linkage run failed"),
    "linkage.run.interrupted": _("Linkage run interrupted (marked failed)"),
    "linkage.run.reclustered": _("Linkage run clustered again at a new threshold"),
    "linkage.run.deleted": _("Linkage run deleted with its uploaded lists"),
    "linkage.persons.linked": _("The organization's persons included in a linkage run"),
    "linkage.pair.viewed": _("Pair of records viewed (clerical review)"),
    "linkage.pair.accepted": _("Pair marked as the same person"),
    "linkage.pair.rejected": _("Pair marked as different people"),
    "linkage.estimate.created": _("Population estimate started"),
    "linkage.estimate.computed": _("Population estimate finished"),
    "linkage.estimate.failed": _("Population estimate failed"),
    "linkage.estimate.interrupted": _("Population estimate interrupted (marked failed)"),
    "linkage.estimate.exported": _("Population estimate exported"),
    "linkage.estimate.deleted": _("Population estimate deleted"),
}


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))
