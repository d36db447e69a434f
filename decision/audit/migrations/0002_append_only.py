from django.db import migrations

from decision.core.immutable import RunSQLOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial"), ("core", "0001_initial")]

    operations = [
        RunSQLOnPostgreSQL(
            "CREATE TRIGGER audit_auditevent_append_only BEFORE UPDATE OR DELETE"
            " ON audit_auditevent FOR EACH ROW EXECUTE FUNCTION refuse_changes();"
            " CREATE TRIGGER audit_auditevent_no_truncate BEFORE TRUNCATE"
            " ON audit_auditevent FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();",
            "DROP TRIGGER audit_auditevent_append_only ON audit_auditevent;"
            " DROP TRIGGER audit_auditevent_no_truncate ON audit_auditevent;",
        ),
    ]
