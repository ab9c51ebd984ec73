# Adds the child's record (a case's or request's reference) to every audit row.
# Safe across councils (docs/how-to/write-a-migration-safe-across-councils.md): the column has a
# constant database default, so adding it only changes the catalogue (no rewrite), and code still
# running from the previous release, which does not name the column, inserts rows that get "".

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0006_staffinvitation"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="subject",
            field=models.CharField(blank=True, db_default="", max_length=20, verbose_name="Child's record"),
        ),
    ]
