# The index that finds a child's rows in the audit log. Built CONCURRENTLY (so not in a transaction):
# the audit log is written by every page that reads a child's record, and a plain CREATE INDEX would
# block those writes in each council's schema while it builds.
#
# A new council's schema is migrated inside the transaction that creates the council (the operator's
# admin, create_council, tests): there the table is empty, CONCURRENTLY is not allowed, and a plain
# CREATE INDEX takes no time, so that is what runs.

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class AddIndexConcurrentlyOutsideTransactions(AddIndexConcurrently):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.in_atomic_block:
            return migrations.AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)
        return super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.in_atomic_block:
            return migrations.AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
        return super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("core", "0007_audit_subject"),
    ]

    operations = [
        AddIndexConcurrentlyOutsideTransactions(
            model_name="auditevent",
            index=models.Index(fields=["subject", "at"], name="audit_subject_at_idx"),
        ),
    ]
