from django.urls import path

from ctm.runtime.views import health

app_name = "runtime"
urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
