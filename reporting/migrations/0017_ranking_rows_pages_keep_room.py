"""On PostgreSQL, the ranking rows' pages keep a third of their room free.

A draft's rows are ranked again every night and updated in place (``ranking_rows_write``). An update
that changes no indexed column and finds room on its row's page is a heap-only tuple: no index entry
is added, and the old version is pruned from the page without waiting for VACUUM. Pages filled to the
brim leave no such room. Other databases have no such setting; nothing is done there.
"""

from django.db import migrations

FILLFACTOR = 70


def pages_keep_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE reporting_rankingrow SET (fillfactor = {FILLFACTOR})")


def pages_fill_up(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE reporting_rankingrow RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("reporting", "0016_figures_and_bottoms_read_by_index")]

    operations = [migrations.RunPython(pages_keep_room, pages_fill_up, elidable=False)]
