"""The public pages of published releases (no login)."""

from django.urls import path

from ctm.privacy.views import public

app_name = "published"

urlpatterns = [
    path("", public.published_list, name="list"),
    path("releases/<int:pk>/", public.published_release, name="release"),
    path("releases/<int:pk>/<str:name>", public.download, name="download"),
]
