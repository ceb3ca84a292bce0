from django.urls import path

from ctm.assistance.views import case, work
from ctm.cases.views.editing import part_urls

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
    *part_urls(case.PARTS, prefix=C),
]
