"""Messages of the referral rules (one place, translated)."""

from django.utils.translation import gettext_lazy as _

NO_CONSENT = _(
    "A valid referral consent naming this organization is required (a case manager may override it for a "
    "life-threatening emergency, with a reason)."
)
OVERRIDE_MANAGERS = _("Only a case manager may override the consent rule.")
OVERRIDE_EMERGENCY = _("The consent rule is overridden for a life-threatening emergency only.")
NOT_YOURS = _("This referral was sent to another organization.")
NOT_SENDER = _("Only the sending organization may do this.")
WRONG_STATE = _("This referral is %(state)s: it cannot be %(verb)s.")
