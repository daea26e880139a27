from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lawtrail.api"
    verbose_name = "接口"
