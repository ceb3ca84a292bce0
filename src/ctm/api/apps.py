from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "ctm.api"
    label = "api"
