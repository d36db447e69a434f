from django.db import migrations

from decision.core.immutable import RunSQLOnPostgreSQL

ROLES = ("surgeon", "tumor_board", "auditor")


def create_roles(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for name in ROLES:
        group_model.objects.get_or_create(name=name)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    initial = True

    dependencies = [("auth", "0012_alter_user_first_name_max_length")]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        # The trigger functions of every append-only table (each app's append-only
        # migration attaches them to its tables): no row is changed or deleted, and the
        # table is never emptied. Only a test database allows TRUNCATE (its setting
        # crlm.allow_truncate, set by tests/conftest.py), since Django empties the tables
        # with it between tests.
        RunSQLOnPostgreSQL(
            """
            CREATE FUNCTION refuse_changes() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '% on % refused: records are append-only',
                    TG_OP, TG_TABLE_NAME
                    USING ERRCODE = 'integrity_constraint_violation';
            END;
            $$ LANGUAGE plpgsql;
            CREATE FUNCTION refuse_truncate() RETURNS trigger AS $$
            BEGIN
                IF current_setting('crlm.allow_truncate', true) = 'on' THEN
                    RETURN NULL;
                END IF;
                RAISE EXCEPTION 'TRUNCATE on % refused: records are append-only',
                    TG_TABLE_NAME
                    USING ERRCODE = 'integrity_constraint_violation';
            END;
            $$ LANGUAGE plpgsql;
            """,
            "DROP FUNCTION refuse_changes(); DROP FUNCTION refuse_truncate();",
        ),
    ]
