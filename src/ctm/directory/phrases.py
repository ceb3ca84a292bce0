"""The UN M49 sub-regions that country-converter names, marked for translation (their French names
live in the message catalogue; tests/directory checks this list against country-converter's)."""

from django.utils.translation import gettext_noop as _

UN_REGIONS = (
    _("Antarctica"),
    _("Australia and New Zealand"),
    _("Caribbean"),
    _("Central America"),
    _("Central Asia"),
    _("Eastern Africa"),
    _("Eastern Asia"),
    _("Eastern Europe"),
    _("Melanesia"),
    _("Micronesia"),
    _("Middle Africa"),
    _("Northern Africa"),
    _("Northern America"),
    _("Northern Europe"),
    _("Polynesia"),
    _("South America"),
    _("South-eastern Asia"),
    _("Southern Africa"),
    _("Southern Asia"),
    _("Southern Europe"),
    _("Western Africa"),
    _("Western Asia"),
    _("Western Europe"),
)
