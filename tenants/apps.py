from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "tenants"
    verbose_name = "Councils"

    def ready(self):
        from core.councils import councils_answer
        from tenants.configuration.selectors import configuration_get
        from tenants.schemas import council_schemas_each
        from tenants.selectors import council_name_current, council_url, password_rules_of

        # core asks about councils without importing this app (core/councils.py says what and why).
        councils_answer(
            name_current=council_name_current,
            url=council_url,
            sign_in_rules=configuration_get,
            password_rules_of=password_rules_of,
            each=council_schemas_each,
        )
