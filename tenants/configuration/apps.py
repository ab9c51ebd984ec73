from django.apps import AppConfig


class CouncilConfigurationConfig(AppConfig):
    name = "tenants.configuration"
    label = "configuration"
    verbose_name = "Portal configuration"
