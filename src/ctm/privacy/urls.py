from django.urls import path

from ctm.privacy.views import releases

app_name = "privacy"

urlpatterns = [
    path("releases/", releases.release_list, name="releases"),
    path("releases/new/", releases.new_release, name="new_release"),
    path("releases/<int:pk>/", releases.release_detail, name="release"),
    path("releases/<int:pk>/progress/", releases.release_progress, name="release_progress"),
    path("releases/<int:pk>/review/", releases.review_release, name="review_release"),
    path("releases/<int:pk>/publish/", releases.publish_release, name="publish_release"),
    path("ledger/", releases.ledger, name="ledger"),
]
