from django.urls import path

from ctm.linkage.views import estimates, runs

app_name = "linkage"

urlpatterns = [
    path("", estimates.estimate_list, name="estimates"),
    path("estimates/new/", estimates.new_estimate, name="new_estimate"),
    path("estimates/<int:pk>/", estimates.estimate_detail, name="estimate"),
    path("estimates/<int:pk>/progress/", estimates.estimate_progress, name="estimate_progress"),
    path("estimates/<int:pk>/report.<str:fmt>", estimates.estimate_report, name="estimate_report"),
    path("estimates/<int:pk>/delete/", estimates.delete_estimate, name="delete_estimate"),
    path("runs/", runs.run_list, name="runs"),
    path("runs/new/", runs.new_run, name="new_run"),
    path("runs/<int:pk>/", runs.run_detail, name="run"),
    path("runs/<int:pk>/progress/", runs.run_progress, name="run_progress"),
    path("runs/<int:pk>/threshold/", runs.recluster, name="recluster"),
    path("runs/<int:pk>/review/", runs.review, name="review"),
    path("runs/<int:pk>/pairs/<int:pair_pk>/", runs.pair_detail, name="pair"),
    path("runs/<int:pk>/pairs/<int:pair_pk>/decide/", runs.decide, name="decide"),
    path("runs/<int:pk>/delete/", runs.delete_run, name="delete_run"),
]
