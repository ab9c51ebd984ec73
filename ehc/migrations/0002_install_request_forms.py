from django.db import migrations


def install(apps, schema_editor):
    # Runs in each council's schema: every council starts with the platform's request forms (version 1).
    from ehc.definitions.services import form_definitions_install

    form_definitions_install(
        definition_model=apps.get_model("core", "FormDefinition"),
        version_model=apps.get_model("core", "FormVersion"),
    )


class Migration(migrations.Migration):
    dependencies = [("ehc", "0001_initial"), ("core", "0003_formdefinition_formversion")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
