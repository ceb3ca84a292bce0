from django.urls import path

from ctm.reintegration.views import case, settings

app_name = "reintegration"

C = "cases/<str:number>/"
urlpatterns = [
    path("scoring/", settings.scoring, name="scoring"),
    path(C, case.case_view, name="case"),
    path(C + "returns/new/", case.new_solution, name="new_solution"),
    path(C + "returns/<int:pk>/fit/", case.fit_to_travel, name="fit_to_travel"),
    path(C + "returns/<int:pk>/documents/new/", case.add_document, name="add_document"),
    path(C + "documents/<int:pk>/obtained/", case.document_obtained, name="document_obtained"),
    path(C + "returns/<int:pk>/legs/new/", case.add_leg, name="add_leg"),
    path(C + "returns/<int:pk>/approve/", case.approve, name="approve"),
    path(C + "returns/<int:pk>/departure/", case.departure, name="departure"),
    path(C + "returns/<int:pk>/arrival/", case.arrival, name="arrival"),
    path(C + "returns/<int:pk>/cancel/", case.cancel, name="cancel"),
    path(C + "returns/<int:pk>/referral/", case.link_referral, name="link_referral"),
    path(C + "returns/<int:pk>/referral/new/", case.refer_for_return, name="refer_for_return"),
    path(C + "plans/new/", case.new_plan, name="new_plan"),
    path(C + "plans/<int:pk>/assistance/new/", case.add_assistance, name="add_assistance"),
    path(C + "assistance/<int:pk>/disburse/", case.disburse, name="disburse"),
    path(C + "visits/new/", case.new_visit, name="new_visit"),
    path(C + "close/", case.close, name="close"),
    path(C + "close/approve/", case.approve_closure, name="approve_closure"),
]
