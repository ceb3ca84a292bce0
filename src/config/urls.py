from django.urls import include, path
from django.views.i18n import set_language

from ctm.accounts.middleware import ALL_STEPS, account_flow
from ctm.api.urls import api

urlpatterns = [
    path("", include("ctm.runtime.urls")),  # /healthz and /readyz
    # the language switch works on the login and two-factor pages too (a view of the login flow)
    path("i18n/setlang/", account_flow(*ALL_STEPS)(set_language), name="set_language"),
    path("api/v1/", api.urls),
    path("", include("ctm.core.urls")),
    path("accounts/", include("ctm.accounts.urls")),
    path("cases/", include("ctm.cases.urls")),
    path("directory/", include("ctm.directory.urls")),
    path("funds/", include("ctm.funds.urls")),
    path("linkage/", include("ctm.linkage.urls")),
    path("privacy/", include("ctm.privacy.urls")),
    path("assistance/", include("ctm.assistance.urls")),
    path("referrals/", include("ctm.referrals.urls")),
    path("reintegration/", include("ctm.reintegration.urls")),
    path("data/", include("ctm.privacy.public_urls")),
]

# Error pages in the site's layout (ctm.core.views.errors); CSRF failures: settings.CSRF_FAILURE_VIEW.
handler403 = "ctm.core.views.errors.permission_denied"
handler404 = "ctm.core.views.errors.page_not_found"
handler500 = "ctm.core.views.errors.server_error"
