# New ids are made in time order (decision.core.ids.new_id).

from django.db import migrations

from decision.core.ids import ids_in_time_order


class Migration(migrations.Migration):
    dependencies = [
        ("board", "0002_append_only"),
    ]

    operations = [ids_in_time_order("boarddecision", "meeting")]
