from django.urls import path

from ctm.referrals.views import referrals as v

app_name = "referrals"

urlpatterns = [
    path("", v.inbox_view, name="inbox"),
    path("settings/", v.settings_view, name="settings"),
    path("cases/<str:number>/new/", v.new_referral, name="new"),
    path("<int:pk>/", v.detail, name="detail"),
    path("<int:pk>/accept/", v.accept, name="accept"),
    path("<int:pk>/decline/", v.decline, name="decline"),
    path("<int:pk>/delivered/", v.delivered, name="delivered"),
    path("<int:pk>/close/", v.close, name="close"),
    path("<int:pk>/withdraw/", v.withdraw, name="withdraw"),
]
