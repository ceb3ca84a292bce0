from django.urls import path

from ctm.core.views import dashboard, organization, pages

app_name = "core"

urlpatterns = [
    path("", pages.home, name="home"),
    path("activity/", pages.activity_log, name="activity"),
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/panels/", dashboard.dashboard_panels, name="dashboard_panels"),
    path("dashboard/<str:key>.csv", dashboard.dashboard_csv, name="dashboard_csv"),
    path("dashboard/<str:key>.png", dashboard.dashboard_chart, name="dashboard_chart"),
    path("dashboard/<str:key>/", dashboard.dashboard_panel, name="dashboard_panel"),
    path("organization/", organization.organization_page, name="organization"),
    path("organization/retention/", organization.retention_page, name="retention"),
    path("organization/members/new/", organization.new_member, name="new_member"),
    path("organization/members/<int:pk>/", organization.edit_member, name="edit_member"),
    path("platform/organizations/", organization.platform_organizations, name="platform_organizations"),
]
