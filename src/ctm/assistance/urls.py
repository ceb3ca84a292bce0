from django.urls import path

from ctm.assistance.views import case, work

app_name = "assistance"

C = "cases/<str:number>/"
urlpatterns = [
    path("work/", work.my_work, name="my_work"),
    path("work/tasks/<int:pk>/done/", work.complete_task, name="complete_task"),
    path("work/notifications/read/", work.read_notifications, name="read_notifications"),
    path("work/overdue/", work.overdue, name="overdue"),
    path("shelters/", work.shelters, name="shelters"),
    path("shelters/new/", work.new_shelter, name="new_shelter"),
    path(C, case.case_assistance_view, name="case"),
    path(C + "assessments/new/", case.new_assessment, name="new_assessment"),
    path(C + "plans/new/", case.new_plan, name="new_plan"),
    path(C + "plans/<int:pk>/items/new/", case.add_plan_item, name="add_plan_item"),
    path(C + "plans/<int:pk>/agreement/", case.plan_agreement, name="plan_agreement"),
    path(C + "plans/<int:pk>/approve/", case.approve_plan, name="approve_plan"),
    path(C + "services/new/", case.new_service, name="new_service"),
    path(C + "services/<int:pk>/status/", case.service_status, name="service_status"),
    path(C + "shelter/admit/", case.admit, name="admit"),
    path(C + "stays/<int:pk>/discharge/", case.discharge, name="discharge"),
]
