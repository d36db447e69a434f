from django.db import migrations

from decision.core.immutable import RunSQLOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [("board", "0001_initial"), ("core", "0001_initial")]

    operations = [
        RunSQLOnPostgreSQL(
            "CREATE TRIGGER board_boarddecision_append_only BEFORE UPDATE OR DELETE"
            " ON board_boarddecision FOR EACH ROW EXECUTE FUNCTION refuse_changes();"
            " CREATE TRIGGER board_boarddecision_no_truncate BEFORE TRUNCATE"
            " ON board_boarddecision FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();",
            "DROP TRIGGER board_boarddecision_append_only ON board_boarddecision;"
            " DROP TRIGGER board_boarddecision_no_truncate ON board_boarddecision;",
        ),
    ]
