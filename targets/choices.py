from django.db import models


class UnitKind(models.TextChoices):
    BUREAU = "bureau", "局办"
    SUBDISTRICT = "subdistrict", "办事处"
    PARK = "park", "园区"
    COUNTY = "county", "区县"


class IndicatorCode(models.TextChoices):
    FAI = "fai", "固定资产投资完成额"
    GROWTH = "growth", "固定资产投资增速"
    INTAKE_COUNT = "intake_count", "新增入库项目个数"
    INTAKE_AMOUNT = "intake_amount", "新增入库项目总投资"
    LARGE_PROJECTS = "large_projects", "新增亿元以上项目个数"
    NEW_STARTS = "new_starts", "新开工项目个数"
    COMPLETIONS = "completions", "竣工项目个数"
    INVESTMENT_ATTRACTION = "attraction", "招商引资额"
    FUNDS = "funds", "争取资金"


class MeasureUnit(models.TextChoices):
    WAN_YUAN = "万元", "万元"
    PERCENT = "%", "%"
    COUNT = "个", "个"


# Units that split the jurisdiction by territory (seed 000's 办事处 table; a city's 区县). FAI
# statistics are counted where the investment is made, so their sum is the jurisdiction's total;
# the bureaus' split counts the same money again by responsibility.
TERRITORIAL_KINDS = frozenset({UnitKind.SUBDISTRICT, UnitKind.COUNTY})
