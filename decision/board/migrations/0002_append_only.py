from django.db import migrations

from decision.core.immutable import append_only_trigger


class Migration(migrations.Migration):
    dependencies = [("board", "0001_initial")]

    operations = [append_only_trigger("board_boarddecision")]
