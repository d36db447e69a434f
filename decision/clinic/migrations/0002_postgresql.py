"""What only PostgreSQL gets: the triggers that make patients and assessments
append-only, and the indexes that serve the patient search by name prefix.

Django sends a prefix search in any case as ``UPPER(name::text) LIKE UPPER('abc%')``,
which only an index on that expression with the pattern operator class can serve in a
database whose collation is not C. SQLite has no such index.
"""

from django.db import migrations

from decision.core.immutable import RunSQLOnPostgreSQL


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial"), ("core", "0001_initial")]

    operations = [
        RunSQLOnPostgreSQL(
            "CREATE TRIGGER clinic_assessment_append_only BEFORE UPDATE OR DELETE"
            " ON clinic_assessment FOR EACH ROW EXECUTE FUNCTION refuse_changes();"
            " CREATE TRIGGER clinic_assessment_no_truncate BEFORE TRUNCATE"
            " ON clinic_assessment FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();",
            "DROP TRIGGER clinic_assessment_append_only ON clinic_assessment;"
            " DROP TRIGGER clinic_assessment_no_truncate ON clinic_assessment;",
        ),
        RunSQLOnPostgreSQL(
            "CREATE TRIGGER clinic_patient_append_only BEFORE UPDATE OR DELETE"
            " ON clinic_patient FOR EACH ROW EXECUTE FUNCTION refuse_changes();"
            " CREATE TRIGGER clinic_patient_no_truncate BEFORE TRUNCATE"
            " ON clinic_patient FOR EACH STATEMENT EXECUTE FUNCTION refuse_truncate();",
            "DROP TRIGGER clinic_patient_append_only ON clinic_patient;"
            " DROP TRIGGER clinic_patient_no_truncate ON clinic_patient;",
        ),
        RunSQLOnPostgreSQL(
            [
                "CREATE INDEX patient_family_prefix_idx"
                ' ON clinic_patient ((UPPER("family_name"::text)) text_pattern_ops);',
                "CREATE INDEX patient_given_prefix_idx"
                ' ON clinic_patient ((UPPER("given_name"::text)) text_pattern_ops);',
            ],
            ["DROP INDEX patient_family_prefix_idx;", "DROP INDEX patient_given_prefix_idx;"],
        ),
    ]
