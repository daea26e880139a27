from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "lawtrail.access"
    verbose_name = "机构与账号"

