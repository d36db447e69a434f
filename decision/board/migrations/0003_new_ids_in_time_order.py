# New ids are made in time order (decision.core.ids.new_id). The default lives in Python
# only, so the database is left as it is: on SQLite, altering the field would copy the
# whole table.

from django.db import migrations, models

import decision.core.ids


class Migration(migrations.Migration):
    dependencies = [
        ("board", "0002_append_only"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="boarddecision",
                    name="id",
                    field=models.UUIDField(
                        default=decision.core.ids.new_id,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
                migrations.AlterField(
                    model_name="meeting",
                    name="id",
                    field=models.UUIDField(
                        default=decision.core.ids.new_id,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
            ],
        ),
    ]
