from django.urls import path

from ctm.cases.views import attachments, cases
from ctm.cases.views.editing import part_urls
from ctm.cases.views.parts import PARTS, close_moved, share

app_name = "cases"

urlpatterns = [
    path("", cases.case_list_view, name="list"),
    path("new/", cases.new_case_view, name="new"),
    path("search/", cases.search_view, name="search"),
    path("export.<str:fmt>", cases.export_view, name="export"),
    path("<str:number>/", cases.case_detail_view, name="detail"),
    path("<str:number>/attachments/<int:pk>/", attachments.download, name="attachment"),
    path("<str:number>/share/", share, name="share"),
    path("<str:number>/close/", close_moved, name="close"),
    *part_urls(PARTS),
]
