from django.db import migrations, models
from django.utils import timezone

HELP = "问题登记入台账的业务日期；办结时限和销号日期都不能早于它"


def registered_on_from_created_at(apps, schema_editor):
    """A problem already in the ledger was registered on the day its row was made."""
    for name in ("Problem", "HistoricalProblem"):
        model = apps.get_model("projects", name)
        rows = list(model.objects.only("pk", "created_at"))
        for row in rows:
            row.registered_on = timezone.localdate(row.created_at)
        model.objects.bulk_update(rows, ["registered_on"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0003_year_plan_ordering_without_join"),
    ]

    operations = [
        migrations.AddField(
            model_name="problem",
            name="registered_on",
            field=models.DateField("登记日期", null=True, help_text=HELP),
        ),
        migrations.AddField(
            model_name="historicalproblem",
            name="registered_on",
            field=models.DateField("登记日期", null=True, help_text=HELP),
        ),
        migrations.RunPython(registered_on_from_created_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="problem",
            name="registered_on",
            field=models.DateField("登记日期", default=timezone.localdate, help_text=HELP),
        ),
        migrations.AlterField(
            model_name="historicalproblem",
            name="registered_on",
            field=models.DateField("登记日期", default=timezone.localdate, help_text=HELP),
        ),
    ]
