# The index that finds a child's rows in the audit log. Built CONCURRENTLY (so not in a transaction):
# the audit log is written by every page that reads a child's record, and a plain CREATE INDEX would
# block those writes in each council's schema while it builds.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("core", "0006_audit_subject"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="auditevent",
            index=models.Index(fields=["subject", "at"], name="audit_subject_at_idx"),
        ),
    ]
