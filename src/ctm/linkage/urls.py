from django.urls import path

from ctm.linkage.views import estimates, runs
from ctm.linkage.views.jobs import ESTIMATE, RUN, delete_job, job_list, job_progress

app_name = "linkage"

urlpatterns = [
    path("", job_list, {"job": ESTIMATE}, name="estimates"),
    path("estimates/new/", estimates.new_estimate, name="new_estimate"),
    path("estimates/<int:pk>/", estimates.estimate_detail, name="estimate"),
    path("estimates/<int:pk>/progress/", job_progress, {"job": ESTIMATE}, name="estimate_progress"),
    path("estimates/<int:pk>/report.<str:fmt>", estimates.estimate_report, name="estimate_report"),
    path("estimates/<int:pk>/delete/", delete_job, {"job": ESTIMATE}, name="delete_estimate"),
    path("runs/", job_list, {"job": RUN}, name="runs"),
    path("runs/new/", runs.new_run, name="new_run"),
    path("runs/<int:pk>/", runs.run_detail, name="run"),
    path("runs/<int:pk>/progress/", job_progress, {"job": RUN}, name="run_progress"),
    path("runs/<int:pk>/threshold/", runs.recluster, name="recluster"),
    path("runs/<int:pk>/review/", runs.review, name="review"),
    path("runs/<int:pk>/pairs/<int:pair_pk>/", runs.pair_detail, name="pair"),
    path("runs/<int:pk>/pairs/<int:pair_pk>/decide/", runs.decide, name="decide"),
    path("runs/<int:pk>/delete/", delete_job, {"job": RUN}, name="delete_run"),
]
