"""The shipped presets: escalation ladders, reward tiers, scoring weights and award rules.

A preset's name is what every 通报 prints, so it never names the jurisdiction whose plan it came
from (that is its ``source``): any deployment may use it as its own. Each preset quotes the seed
sentence it encodes (``seeds/NNN_*.txt`` line N). Where a seed names a
rule but gives no number, the preset's name starts with ``DEFAULT_`` and its comment says what was
chosen instead; admins may replace any preset with their own data.
"""

from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType

from reporting.assessment_rules import AnnualWeights, AwardRule, RankScale, RewardTier
from reporting.rules import Ladder, LadderStep, ProjectWeightTier

LADDER_SEED_001 = Ladder(
    name="末位增速约谈制",
    source="seeds/001 line 51: 实行末位增速约谈制",
    steps=(
        LadderStep(
            level=1,
            min_consecutive=1,
            action="通报批评",
            source="当月排名倒数第一的经济开发区、各街道办事处，给予通报批评",
        ),
        LadderStep(
            level=2,
            min_consecutive=2,
            action="约谈",
            needs_meeting=True,
            interviewer="区分管领导",
            interviewee="相关负责同志",
            source="连续两个月倒数第一的，由区分管领导约谈经济开发区、各街道办事处相关负责同志",
        ),
        LadderStep(
            level=3,
            min_consecutive=3,
            action="约谈",
            needs_meeting=True,
            interviewer="区主要领导",
            interviewee="主要负责同志",
            source="连续三个月倒数第一的，由区主要领导约谈经济开发区、各街道办事处主要负责同志",
        ),
    ),
)

# The same ladder one tier up: the city's leaders interview the 区县（市）.
LADDER_SEED_002 = Ladder(
    name="末位增速约谈制（市级）",
    source="seeds/002 line 160: 实行末位增速约谈制",
    steps=(
        LadderStep(
            level=1,
            min_consecutive=1,
            action="通报批评",
            source="当月排名倒数第一的区县（市），给予通报批评",
        ),
        LadderStep(
            level=2,
            min_consecutive=2,
            action="约谈",
            needs_meeting=True,
            interviewer="市分管领导",
            interviewee="相关负责同志",
            source="连续两个月倒数第一的，由市分管领导约谈区县（市）相关负责同志",
        ),
        LadderStep(
            level=3,
            min_consecutive=3,
            action="约谈",
            needs_meeting=True,
            interviewer="市主要领导",
            interviewee="主要负责同志",
            source="连续三个月倒数第一的，由市主要领导约谈区县（市）主要负责同志",
        ),
    ),
)

LADDER_SEED_003 = Ladder(
    name="鞭策后进",
    source="seeds/003 line 89: 结果运用明奖惩 (2) 鞭策后进",
    steps=(
        LadderStep(
            level=1,
            min_consecutive=1,
            action="表态发言",
            venue="全区重点项目推进会议",
            source="月排名倒数第一的单位，在全区重点项目推进会议上表态发言",
        ),
        LadderStep(
            level=2,
            min_consecutive=2,
            action="约谈",
            needs_meeting=True,
            interviewer="分管区领导",
            interviewee="单位主要负责人",
            on_half_year_bottom=True,
            source="连续两个月排名倒数第一、半年度考核排名倒数第一的单位由分管区领导约谈单位主要负责人",
        ),
    ),
)

# seeds/002 line 114: 对每季度区县（市）评价排名第一的奖励150万元，2—3名各奖励100万元，4—6名各奖励50万元
REWARD_TIERS_SEED_002 = (
    RewardTier(first_rank=1, last_rank=1, amount_wan=Decimal(150)),
    RewardTier(first_rank=2, last_rank=3, amount_wan=Decimal(100)),
    RewardTier(first_rank=4, last_rank=6, amount_wan=Decimal(50)),
)

# No seed scores a place in points; seed 003 (line 85–87) only says the quarter's score comes from
# the quarter-end month's rank "结合季度观摩成效和区主要领导点评情况". 100 for first, 5 fewer per place.
DEFAULT_RANK_SCALE = RankScale(top=Decimal(100), step=Decimal(5))

# Seed 003 (line 87) combines 月排名 and 季考核 in 年总评 without saying how much each counts.
DEFAULT_ANNUAL_WEIGHTS = AnnualWeights(monthly=Decimal("0.5"), quarterly=Decimal("0.5"))

# Rule 7's gap between time progress and completion that is still yellow; no seed gives one.
DEFAULT_YELLOW_GAP = Decimal(5)


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    single_item_award: bool


# Seed 004's assessed indicators (lines 45–53 targets, 115–125 who assesses, 139–163 单项奖).
# Codes shared with targets.choices.IndicatorCode are reused: fai, new_starts, completions, funds.
SEED_004_INDICATORS = (
    Indicator("fai", "固定资产投资", single_item_award=True),
    Indicator("new_starts", "新开工项目", single_item_award=True),
    Indicator("completions", "竣工项目", single_item_award=True),
    Indicator("reserve_large", "包装储备亿元以上项目", single_item_award=False),
    Indicator("enclave", "飞地经济", single_item_award=True),
    Indicator("tax_assistance", "协税护税", single_item_award=True),
    Indicator("domestic_capital", "引进国内资金", single_item_award=True),
    Indicator("foreign_capital", "利用外资", single_item_award=True),
    Indicator("funds", "争取上级资金", single_item_award=True),
)

# Seed 004 scores 综合奖 "按照加权打分的办法" but its scoring method (附件6 评分办法) is not in the
# seed, so no weight is known: every indicator is worth the same 10 points until an admin sets them.
DEFAULT_COMPOSITE_WEIGHTS_SEED_004 = MappingProxyType(
    {indicator.code: Decimal(10) for indicator in SEED_004_INDICATORS}
)

# seeds/004 line 195: 对于亿元以上新开工项目，按照投资额度递增，1亿元、5亿元、10亿元、20亿等，设置匹配的
# 递增权重安排. The thresholds are the seed's (plus its 5000万元 floor for a counted new start, line 47);
# the weights 1–5 are ours, as the seed gives none.
DEFAULT_NEW_START_WEIGHT_TIERS_SEED_004 = (
    ProjectWeightTier(min_investment_wan=Decimal(5_000), weight=Decimal(1)),
    ProjectWeightTier(min_investment_wan=Decimal(10_000), weight=Decimal(2)),
    ProjectWeightTier(min_investment_wan=Decimal(50_000), weight=Decimal(3)),
    ProjectWeightTier(min_investment_wan=Decimal(100_000), weight=Decimal(4)),
    ProjectWeightTier(min_investment_wan=Decimal(200_000), weight=Decimal(5)),
)

COMPREHENSIVE_AWARD_SEED_004 = AwardRule(
    name="综合奖",
    min_places=5,
    max_places=5,
    prize_wan=Decimal(5),
    source=(
        "seeds/004 line 135: 对承担各项任务指标的镇、街和区直部门经考核组按照加权打分的办法"
        "分别进行测算和排名，对排名靠前的5个镇、街和5个区直部门授予优胜单位综合奖; "
        "line 169: 综合奖优胜单位奖励资金5万元"
    ),
)

# The seed prints "2—3名" once (line 141) and "23名" elsewhere, the dash lost as in its "201934" date.
SINGLE_ITEM_AWARD_SEED_004 = AwardRule(
    name="单项奖",
    min_places=2,
    max_places=3,
    prize_wan=Decimal(2),
    source="seeds/004 line 141: 按完成情况评选2—3名优胜单位; line 171: 单项奖优胜单位奖励资金2万元",
)
