# New ids are made in time order (decision.core.ids.new_id).

from django.db import migrations

from decision.core.ids import ids_in_time_order


class Migration(migrations.Migration):
    dependencies = [
        ("clinic", "0005_fewer_indexes"),
    ]

    operations = [ids_in_time_order("assessment", "patient")]
