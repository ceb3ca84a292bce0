from django.urls import path

from ctm.funds.views import pages

app_name = "funds"

urlpatterns = [
    path("", pages.fund_list, name="list"),
    path("new/", pages.new_fund, name="new_fund"),
    path("<int:pk>/", pages.fund_detail, name="fund"),
    path("<int:pk>/donor-report.xlsx", pages.fund_export, name="export"),
    path("<int:pk>/close/", pages.close_fund, name="close_fund"),
    path("<int:pk>/closing-report/", pages.closing_report_page, name="closing_report"),
    path("<int:pk>/requests/new/", pages.new_request, name="new_request"),
    path("requests/<int:pk>/", pages.request_detail, name="request"),
    path("requests/<int:pk>/edit/", pages.edit_request, name="edit_request"),
    path("requests/<int:pk>/submit/", pages.submit, name="submit"),
    path("requests/<int:pk>/grant/", pages.grant, name="grant"),
    path("requests/<int:pk>/review/", pages.review, name="review"),
    path("requests/<int:pk>/decide/", pages.decide, name="decide"),
    path("requests/<int:pk>/pay/", pages.pay, name="pay"),
    path("requests/<int:pk>/report/", pages.report, name="report"),
    path("requests/<int:pk>/close/", pages.close, name="close"),
    path("requests/<int:pk>/documents/new/", pages.add_document, name="add_document"),
    path("requests/<int:pk>/documents/<int:doc>/", pages.document, name="document"),
]
