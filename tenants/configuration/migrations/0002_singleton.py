from django.db import migrations


def create_configuration(apps, schema_editor):
    # Runs in each council's schema as it is migrated: every council has exactly one configuration.
    apps.get_model("configuration", "CouncilConfiguration").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("configuration", "0001_initial")]

    operations = [migrations.RunPython(create_configuration, migrations.RunPython.noop)]
