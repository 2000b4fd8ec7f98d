from django.db import migrations

INDICATORS = [
    ("fai", "固定资产投资完成额", "万元"),
    ("growth", "固定资产投资增速", "%"),
    ("intake_count", "新增入库项目个数", "个"),
    ("intake_amount", "新增入库项目总投资", "万元"),
    ("large_projects", "新增亿元以上项目个数", "个"),
    ("new_starts", "新开工项目个数", "个"),
    ("completions", "竣工项目个数", "个"),
    ("attraction", "招商引资额", "万元"),
    ("funds", "争取资金", "万元"),
]


def create_indicators(apps, schema_editor):
    Indicator = apps.get_model("targets", "Indicator")
    for order, (code, name, measure_unit) in enumerate(INDICATORS, start=1):
        Indicator.objects.update_or_create(
            code=code, defaults={"name": name, "measure_unit": measure_unit, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("targets", "0001_initial")]

    operations = [migrations.RunPython(create_indicators, migrations.RunPython.noop)]
