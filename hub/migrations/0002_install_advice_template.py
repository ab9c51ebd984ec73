from django.db import migrations


def install(apps, schema_editor):
    # Runs in each council's schema: the health advice template as version 1 (idempotent).
    from hub.advice.services import advice_template_install

    advice_template_install(
        definition_model=apps.get_model("core", "FormDefinition"),
        version_model=apps.get_model("core", "FormVersion"),
    )


class Migration(migrations.Migration):
    dependencies = [("hub", "0001_health_teams_advice"), ("core", "0005_notify_by_text")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
