from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TotpForm(forms.Form):
    """The six digits of the app being set up."""

    code = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"invalid": _("Enter the six digits shown by your app.")},
    )


class SecondFactorForm(forms.Form):
    """At login: the app's six digits, or one of the recovery codes."""

    code = forms.RegexField(
        label=_("Code from your authenticator app, or a recovery code"),
        regex=r"^\s*(\d{3}\s?\d{3}|[A-Za-z2-7]{4}-?[A-Za-z2-7]{4})\s*$",
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text=_("Six digits from the app; if you lost it, one of your recovery codes (like abcd-ef23)."),
        error_messages={"invalid": _("Enter the six digits shown by your app, or a recovery code.")},
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("Current password"),
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        # the rules, in the language of this request (validators: settings.AUTH_PASSWORD_VALIDATORS)
        self.fields["new_password1"].help_text = password_validation.password_validators_help_text_html()

    def clean(self) -> dict:
        data = super().clean() or {}
        one, two = data.get("new_password1"), data.get("new_password2")
        if one and two and one != two:
            self.add_error("new_password2", _("The two new passwords are not the same."))
        return data


class ResetPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Temporary password"),
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Give it to the person by a safe channel; they must choose their own at the next login."
        ),
    )


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What or who will use it, e.g. 'reporting script'."),
    )


class NotificationEmailForm(forms.Form):
    notify_by_email = forms.BooleanField(
        label=_("Announce my notifications by e-mail"),
        required=False,
        help_text=_("The e-mail says only that something waits for you in CTM: never a name or a case number."),
    )
    email = forms.EmailField(label=_("E-mail address"), required=False, max_length=254)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("notify_by_email") and not data.get("email"):
            self.add_error("email", _("Give the address to write to."))
        return data
