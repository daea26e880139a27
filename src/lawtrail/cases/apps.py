from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "lawtrail.cases"
    verbose_name = "案件"
