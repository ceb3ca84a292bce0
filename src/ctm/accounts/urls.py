from django.urls import path

from ctm.accounts.views import auth, members, tokens

app_name = "accounts"

urlpatterns = [
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("two-factor/", auth.two_factor_view, name="two_factor"),
    path("two-factor/setup/", auth.two_factor_setup_view, name="two_factor_setup"),
    path("two-factor/recovery-codes/", auth.renew_recovery_codes_view, name="renew_recovery_codes"),
    path("password/", auth.password_change_view, name="password_change"),
    path("me/", auth.account_view, name="account"),
    path("me/notification-email/", auth.notification_email_view, name="notification_email"),
    path("organization/", auth.switch_organization, name="switch_organization"),
    path("tokens/", tokens.tokens_view, name="tokens"),
    path("tokens/<int:pk>/revoke/", tokens.revoke_token_view, name="revoke_token"),
    path("members/<int:pk>/password/", members.reset_password_view, name="reset_member_password"),
    path("members/<int:pk>/two-factor/", members.reset_two_factor_view, name="reset_member_two_factor"),
]
