from django.apps import AppConfig


class EhcConfig(AppConfig):
    name = "ehc"
    verbose_name = "EHC needs assessments and plans"
