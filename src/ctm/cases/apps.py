from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def attachment_blob_context(attachment: Any) -> str:
    from ctm.cases.domain.notes import attachment_context  # when used: ready() stays light

    return attachment_context(attachment.organization_id, attachment.case_id)


class CasesConfig(AppConfig):
    name = "ctm.cases"
    label = "cases"
    verbose_name = _("Case register")

    def ready(self) -> None:
        from ctm.cases.domain.queries.dashboard import register_panels
        from ctm.cases.interfaces.timeline import declare_case_words
        from ctm.cases.models import Attachment
        from ctm.core.encrypted import register_blobs

        register_panels()  # the manager views' caseload and stage panels (ctm.core.panels)

        # an attachment's bytes, for `ctm keys` (the encrypted columns are found without declaring them)
        register_blobs(Attachment, attachment_blob_context, context_fields=("organization_id", "case_id"))
        register_case_sections()
        declare_case_words()  # the words of its activity-log entries (ctm.core.changes)


def _minor_shown(context: dict[str, Any]) -> bool:
    return bool(context["case"].is_minor or context.get("guardians") or context.get("assessments"))


def register_case_sections() -> None:
    """The register's own sections of the case page; other apps add theirs the same way."""
    from django.utils.translation import pgettext_lazy

    from ctm.cases.interfaces.sections import Section, register_section

    t = "cases/sections/_{}.html"
    for order, key, label, shown in [
        (10, "person", _("Person"), None),
        (20, "case", pgettext_lazy("case page tab", "Case"), None),
        (40, "screening", _("Screening"), None),
        (50, "eligibility", _("Eligibility"), None),
        (60, "context", _("Context and route"), None),
        (70, "consent", _("Consent"), None),
        (75, "minor", _("Minor"), _minor_shown),
        (80, "notes", _("Notes"), None),
        (90, "attachments", _("Attachments"), None),
        (100, "timeline", _("Timeline"), None),
    ]:
        register_section(Section(key, label, t.format(key), order, shown=shown))
