from django.db import migrations


def install(apps, schema_editor):
    # Runs in each council's schema: the forms the SEND team sends and parents start (idempotent).
    from ehc.definitions.services import form_definitions_install

    form_definitions_install(
        definition_model=apps.get_model("core", "FormDefinition"),
        version_model=apps.get_model("core", "FormVersion"),
    )


class Migration(migrations.Migration):
    dependencies = [("ehc", "0007_parent_access_documents_forms")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
