# PostgreSQL compresses an assessment's result (about 7 kB of JSON) before storing it. lz4
# does so several times faster than the default pglz, on writing and on reading back; on
# a server built without lz4 the column keeps pglz. Values already stored stay as they are.

from django.db import migrations

_SET_COMPRESSION = """
    DO $$
    BEGIN
        ALTER TABLE clinic_assessment ALTER COLUMN result SET COMPRESSION {method};
    EXCEPTION WHEN feature_not_supported THEN
        RAISE NOTICE 'lz4 is not available; the result column keeps pglz.';
    END
    $$;
"""


def _compression(method: str):
    def run(apps, schema_editor) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(_SET_COMPRESSION.format(method=method), params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0006_new_ids_in_time_order"),
    ]

    operations = [migrations.RunPython(_compression("lz4"), _compression("default"))]
