from django.urls import path

from ctm.cases.views.editing import part_urls
from ctm.reintegration.views import case, settings

app_name = "reintegration"

C = "cases/<str:number>/"
urlpatterns = [
    path("scoring/", settings.scoring, name="scoring"),
    path(C, case.case_view, name="case"),
    *part_urls(case.PARTS, prefix=C),
]
