from decimal import Decimal

import pytest

from common.periods import time_progress_pct
from reporting.assessment_rules import (
    AnnualInput,
    AnnualWeights,
    AwardPlace,
    QuarterlyInput,
    RankScale,
    annual_evaluation,
    award_places,
    comprehensive_awards,
    quarterly_assessment,
    quarterly_reward,
    rank_points,
    reward_for_rank,
    single_item_awards,
)
from reporting.presets import (
    COMPREHENSIVE_AWARD_SEED_004,
    DEFAULT_NEW_START_WEIGHT_TIERS_SEED_004,
    LADDER_SEED_001,
    LADDER_SEED_002,
    LADDER_SEED_003,
    REWARD_TIERS_SEED_002,
    SINGLE_ITEM_AWARD_SEED_004,
)
from reporting.rules import (
    EntryStatus,
    Ladder,
    LadderStep,
    RankEntry,
    WarningColour,
    bottom_units,
    completion_rate_pct,
    composite_score,
    consecutive_bottom_count,
    escalation_step,
    growth_pct,
    metric_entry,
    rank_units,
    warning_colour,
    weighted_project_count,
)

D = Decimal
SCALE = RankScale(top=D(100), step=D(5))


def reported(key, value):
    return RankEntry(key, D(value))


def missing(key):
    return RankEntry(key, None, EntryStatus.MISSING)


def undefined(key):
    return RankEntry(key, None, EntryStatus.UNDEFINED)


def ranks(result):
    return [(entry.key, entry.rank, entry.bottom) for entry in result]


def levels_over(bottoms, ladder):
    """The escalation level of each period in turn, given whether the unit was bottom in each."""
    levels = []
    for index, bottom_now in enumerate(bottoms):
        previous = list(reversed(bottoms[:index]))
        step = escalation_step(
            consecutive=consecutive_bottom_count(bottom_now=bottom_now, previous_bottoms=previous),
            ladder=ladder,
        )
        levels.append(step.level if step else 0)
    return levels


# --- Figures -------------------------------------------------------------------------------------


def test_growth_is_ytd_over_baseline_minus_one_in_percent():
    assert growth_pct(D(110), D(100)) == D(10)
    assert growth_pct(D(90), D(120)) == D(-25)


def test_growth_without_a_baseline_or_over_zero_is_undefined():
    assert growth_pct(D(50), None) is None
    assert growth_pct(D(50), D(0)) is None


def test_completion_rate_is_ytd_over_target_in_percent():
    assert completion_rate_pct(D(537_000), D(5_370_000)) == D(10)
    assert completion_rate_pct(D(190_000), D(190_000)) == D(100)


def test_completion_rate_without_a_target_is_undefined():
    assert completion_rate_pct(D(1), None) is None
    assert completion_rate_pct(D(1), D(0)) is None


def test_time_progress_is_months_elapsed_over_twelve():
    assert time_progress_pct(5).quantize(D("0.01")) == D("41.67")
    assert time_progress_pct(6) == D(50)
    assert time_progress_pct(12) == D(100)


def test_time_progress_rejects_a_month_outside_the_year():
    with pytest.raises(ValueError):
        time_progress_pct(13)


# --- Ranking -------------------------------------------------------------------------------------


def test_higher_values_rank_first_by_default():
    result = rank_units([reported("甲", 3), reported("乙", 9), reported("丙", 6)])
    assert ranks(result) == [("乙", 1, False), ("丙", 2, False), ("甲", 3, True)]


def test_lower_is_better_puts_the_smallest_value_first():
    result = rank_units([reported("甲", 3), reported("乙", 9), reported("丙", 6)], higher_is_better=False)
    assert ranks(result) == [("甲", 1, False), ("丙", 2, False), ("乙", 3, True)]


def test_equal_values_share_a_rank():
    result = rank_units([reported("甲", 5), reported("乙", 3), reported("丙", 3), reported("丁", 1)])
    assert [entry.rank for entry in result] == [1, 2, 2, 4]


def test_values_are_compared_exactly_without_rounding():
    result = rank_units([reported("甲", "10.001"), reported("乙", "10.004"), reported("丙", "10.0")])
    assert ranks(result) == [("乙", 1, False), ("甲", 2, False), ("丙", 3, True)]
    assert [entry.rank for entry in rank_units([reported("甲", "10.0"), reported("乙", "10")])] == [1, 1]


def test_unreported_unit_ranks_below_every_reporter_and_is_bottom():
    result = rank_units([missing("甲"), reported("乙", "-30"), reported("丙", 12)])
    assert ranks(result) == [("丙", 1, False), ("乙", 2, False), ("甲", 3, True)]
    assert result[2].status is EntryStatus.MISSING


def test_unreported_units_share_one_rank_and_are_all_bottom():
    result = rank_units(
        [missing("甲"), reported("乙", 1), missing("丙"), reported("丁", 2), reported("戊", 3)]
    )
    assert ranks(result) == [
        ("戊", 1, False),
        ("丁", 2, False),
        ("乙", 3, False),
        ("甲", 4, True),
        ("丙", 4, True),
    ]


def test_undefined_growth_is_unranked_and_never_bottom():
    result = rank_units([undefined("甲"), reported("乙", 5), reported("丙", 7)])
    assert ranks(result) == [("丙", 1, False), ("乙", 2, True), ("甲", None, False)]


def test_a_group_with_only_undefined_units_has_nobody_bottom():
    assert ranks(rank_units([undefined("甲"), undefined("乙")])) == [("甲", None, False), ("乙", None, False)]


def test_ties_on_the_last_rank_are_all_bottom():
    result = rank_units([reported("甲", 2), reported("乙", 8), reported("丙", 2)])
    assert ranks(result) == [("乙", 1, False), ("甲", 2, True), ("丙", 2, True)]


def test_output_lists_ranked_then_unreported_then_undefined_keeping_input_order_within_a_rank():
    result = rank_units(
        [
            undefined("甲"),
            missing("乙"),
            reported("丙", 1),
            reported("丁", 4),
            reported("戊", 1),
            missing("己"),
        ]
    )
    assert [entry.key for entry in result] == ["丁", "丙", "戊", "乙", "己", "甲"]


def test_entry_status_may_be_given_as_a_plain_string():
    assert RankEntry("甲", None, "missing").status is EntryStatus.MISSING
    assert EntryStatus.MISSING.label == "未报送"


def test_only_a_reported_entry_carries_a_value():
    with pytest.raises(ValueError):
        RankEntry("甲", None)
    with pytest.raises(ValueError):
        RankEntry("甲", D(1), EntryStatus.MISSING)


def test_a_unit_may_appear_only_once_in_a_ranking():
    with pytest.raises(ValueError):
        rank_units([reported("甲", 1), missing("甲")])


# --- Escalation ----------------------------------------------------------------------------------


def test_consecutive_count_is_zero_when_not_bottom_now():
    assert consecutive_bottom_count(bottom_now=False, previous_bottoms=[True, True]) == 0


def test_consecutive_count_stops_at_the_first_earlier_period_not_bottom():
    assert consecutive_bottom_count(bottom_now=True, previous_bottoms=[True, False, True]) == 2
    assert consecutive_bottom_count(bottom_now=True, previous_bottoms=[]) == 1


def test_bottom_in_feb_and_apr_but_not_mar_gives_level_one_twice():
    assert levels_over([True, False, True], LADDER_SEED_001) == [1, 0, 1]


def test_bottom_four_periods_running_gives_levels_1_2_3_3():
    assert levels_over([True, True, True, True], LADDER_SEED_001) == [1, 2, 3, 3]


def test_unit_not_bottom_now_gets_no_step():
    assert escalation_step(consecutive=0, ladder=LADDER_SEED_001) is None


def test_seed_001_ladder_words_each_step_as_the_seed_does():
    assert [step.title for step in LADDER_SEED_001.steps] == [
        "通报批评",
        "区分管领导约谈相关负责同志",
        "区主要领导约谈主要负责同志",
    ]


def test_seed_002_ladder_has_city_leaders_interview():
    assert [(step.interviewer, step.interviewee) for step in LADDER_SEED_002.steps] == [
        ("", ""),
        ("市分管领导", "相关负责同志"),
        ("市主要领导", "主要负责同志"),
    ]


def test_each_shipped_ladder_step_says_whether_it_needs_a_meeting():
    assert [
        [step.needs_meeting for step in ladder.steps]
        for ladder in (LADDER_SEED_001, LADDER_SEED_002, LADDER_SEED_003)
    ] == [[False, True, True], [False, True, True], [False, True]]


def test_seed_003_ladder_starts_with_a_statement_at_the_key_project_meeting():
    assert [step.title for step in LADDER_SEED_003.steps] == [
        "在全区重点项目推进会议上表态发言",
        "分管区领导约谈单位主要负责人",
    ]


def test_seed_003_half_year_bottom_triggers_level_two():
    assert escalation_step(consecutive=1, ladder=LADDER_SEED_003, half_year_bottom=True).level == 2
    assert escalation_step(consecutive=0, ladder=LADDER_SEED_003, half_year_bottom=True).level == 2


def test_seed_003_ladder_stays_at_level_two_however_long_the_run():
    assert levels_over([True, True, True, True], LADDER_SEED_003) == [1, 2, 2, 2]


def test_half_year_bottom_does_not_escalate_on_a_ladder_without_that_trigger():
    assert escalation_step(consecutive=0, ladder=LADDER_SEED_001, half_year_bottom=True) is None
    assert escalation_step(consecutive=1, ladder=LADDER_SEED_001, half_year_bottom=True).level == 1


def test_ladder_steps_must_number_up_from_one_with_rising_thresholds():
    with pytest.raises(ValueError):
        Ladder(
            name="坏",
            steps=(
                LadderStep(level=1, min_consecutive=2, action="通报批评"),
                LadderStep(level=2, min_consecutive=2, action="约谈"),
            ),
        )
    with pytest.raises(ValueError):
        Ladder(name="坏", steps=(LadderStep(level=2, min_consecutive=1, action="通报批评"),))


# --- Quarterly assessment and rewards ------------------------------------------------------------


def test_reward_tiers_seed_002():
    amounts = [reward_for_rank(rank, REWARD_TIERS_SEED_002) for rank in (1, 2, 3, 4, 5, 6, 7, None)]
    assert amounts == [D(150), D(100), D(100), D(50), D(50), D(50), D(0), D(0)]


def test_rank_points_drop_one_step_per_place_and_never_below_zero():
    assert [rank_points(rank, scale=SCALE) for rank in (1, 3, 21, 30)] == [D(100), D(90), D(0), D(0)]
    assert rank_points(None, scale=SCALE) is None


def test_quarterly_assessment_adds_observation_and_review_to_the_quarter_end_rank_points():
    # 甲 100+0+0=100, 乙 95+8=103, 丙 90+2−1=91, 戊 85; 丁 was unranked at quarter end.
    # Places 乙 1 (150), 甲 2 (100), 丙 3 (100), 戊 4 (50).
    result = quarterly_assessment(
        [
            QuarterlyInput("甲", quarter_end_rank=1),
            QuarterlyInput("乙", quarter_end_rank=2, observation=D(8)),
            QuarterlyInput("丙", quarter_end_rank=3, observation=D(2), review=D(-1)),
            QuarterlyInput("戊", quarter_end_rank=4),
            QuarterlyInput("丁", quarter_end_rank=None, observation=D(10), quarter_end_status="undefined"),
        ],
        scale=SCALE,
        tiers=REWARD_TIERS_SEED_002,
    )
    assert [(r.key, r.score, r.rank, r.bottom, r.reward_wan) for r in result] == [
        ("乙", D(103), 1, False, D(150)),
        ("甲", D(100), 2, False, D(100)),
        ("丙", D(91), 3, False, D(100)),
        ("戊", D(85), 4, True, D(50)),
        ("丁", None, None, False, D(0)),
    ]


def test_rule_4_an_unreported_bottom_unit_keeps_its_place_but_gets_no_reward():
    # Six 办事处 as in the demo: five reported (ranks 1–5), 祥云 sent nothing, so it is 未报送 at
    # rank 6 and bottom. Rank points 100, 95, 90, 85, 80 and 75 for 祥云 at 6th: seed 002 would pay
    # 6th place 50万, rule 4 pays nothing, and nobody else moves into 6th place.
    units = [QuarterlyInput(name, quarter_end_rank=rank) for rank, name in enumerate("甲乙丙丁戊", start=1)]
    units.append(
        QuarterlyInput("祥云", quarter_end_rank=6, quarter_end_status="missing", quarter_end_bottom=True)
    )
    result = quarterly_assessment(units, scale=SCALE, tiers=REWARD_TIERS_SEED_002)
    assert [(r.key, r.rank, r.reward_wan) for r in result] == [
        ("甲", 1, D(150)),
        ("乙", 2, D(100)),
        ("丙", 3, D(100)),
        ("丁", 4, D(50)),
        ("戊", 5, D(50)),
        ("祥云", 6, D(0)),
    ]
    assert result[-1].reward_note == "季末未报送，不予奖励"


def test_rule_4_a_unit_bottom_at_quarter_end_gets_no_reward_even_when_its_points_lift_it():
    # 丙 was bottom in the quarter-end month (rank 3, 90 points) but 20 观摩 points give it 110 and
    # first place. First place's 150万 is not paid to anyone: 甲 stays 2nd with 100万.
    result = quarterly_assessment(
        [
            QuarterlyInput("甲", quarter_end_rank=1),
            QuarterlyInput("乙", quarter_end_rank=2),
            QuarterlyInput("丙", quarter_end_rank=3, observation=D(20), quarter_end_bottom=True),
        ],
        scale=SCALE,
        tiers=REWARD_TIERS_SEED_002,
    )
    assert [(r.key, r.rank, r.reward_wan, r.reward_note) for r in result] == [
        ("丙", 1, D(0), "季末排名倒数第一，不予奖励"),
        ("甲", 2, D(100), ""),
        ("乙", 3, D(100), ""),
    ]


def test_rule_4_reward_is_withheld_for_unreported_unranked_and_bottom_units_only():
    tiers = REWARD_TIERS_SEED_002
    # 4th place pays 50万 to a unit that reported and was not bottom.
    assert quarterly_reward(
        4, quarter_end_status="reported", quarter_end_bottom=False, tiers=tiers
    ).amount_wan == D(50)
    for status, bottom, reason in [
        ("missing", True, "季末未报送，不予奖励"),
        ("undefined", False, "季末增速无法计算、未参与排名，不予奖励"),
        ("reported", True, "季末排名倒数第一，不予奖励"),
    ]:
        reward = quarterly_reward(4, quarter_end_status=status, quarter_end_bottom=bottom, tiers=tiers)
        assert (reward.amount_wan, reward.withheld_because) == (D(0), reason)
    # Beyond the paid places nothing is withheld, so nothing needs saying.
    assert quarterly_reward(7, quarter_end_status="missing", quarter_end_bottom=True, tiers=tiers) == (
        quarterly_reward(7, quarter_end_status="reported", quarter_end_bottom=False, tiers=tiers)
    )


def test_units_tied_in_the_quarter_share_a_place_and_each_get_its_reward():
    # 甲 100, 乙 95+5=100, 丙 90: places 1, 1, 3.
    result = quarterly_assessment(
        [
            QuarterlyInput("甲", quarter_end_rank=1),
            QuarterlyInput("乙", quarter_end_rank=2, observation=D(5)),
            QuarterlyInput("丙", quarter_end_rank=3),
        ],
        scale=SCALE,
        tiers=REWARD_TIERS_SEED_002,
    )
    assert [(r.key, r.rank, r.reward_wan) for r in result] == [
        ("甲", 1, D(150)),
        ("乙", 1, D(150)),
        ("丙", 3, D(100)),
    ]


# --- Annual evaluation ---------------------------------------------------------------------------


def test_annual_evaluation_weights_mean_monthly_points_and_mean_quarterly_scores():
    # 甲: months (100+90)/2=95, quarters (100+110)/2=105 → 0.5×95 + 0.5×105 + 2 = 102.
    # 乙: months 95, quarters 90 → 47.5 + 45 = 92.5.  丁: no ranked month → 0 + 0.5×80 = 40.
    # 丙: never ranked or scored → no total.
    result = annual_evaluation(
        [
            AnnualInput("甲", monthly_ranks=[1, 3, None], quarterly_scores=[D(100), D(110)], adjustment=D(2)),
            AnnualInput("乙", monthly_ranks=[2, 2], quarterly_scores=[D(90), None]),
            AnnualInput("丙", monthly_ranks=[None], quarterly_scores=[]),
            AnnualInput("丁", monthly_ranks=[], quarterly_scores=[D(80)]),
        ],
        scale=SCALE,
        weights=AnnualWeights(monthly=D("0.5"), quarterly=D("0.5")),
    )
    assert [(r.key, r.monthly_points, r.quarterly_score, r.total, r.rank, r.bottom) for r in result] == [
        ("甲", D(95), D(105), D(102), 1, False),
        ("乙", D(95), D(90), D("92.5"), 2, False),
        ("丁", None, D(80), D(40), 3, True),
        ("丙", None, None, None, None, False),
    ]


def test_annual_weights_decide_between_months_and_quarters():
    # Months only: 甲 100 vs 乙 50 → 甲 first; quarters only: 甲 60 vs 乙 90 → 乙 first.
    units = [
        AnnualInput("甲", monthly_ranks=[1], quarterly_scores=[D(60)]),
        AnnualInput("乙", monthly_ranks=[11], quarterly_scores=[D(90)]),
    ]
    by_months = annual_evaluation(units, scale=SCALE, weights=AnnualWeights(monthly=D(1), quarterly=D(0)))
    by_quarters = annual_evaluation(units, scale=SCALE, weights=AnnualWeights(monthly=D(0), quarterly=D(1)))
    assert [r.key for r in by_months] == ["甲", "乙"]
    assert [r.key for r in by_quarters] == ["乙", "甲"]


# --- Seed 004: weighted scoring and awards -------------------------------------------------------


def test_composite_score_weights_indicators():
    # (40×80% + 30×50% + 30×100%) / 100 points = 77%.
    score = composite_score(
        {"fai": D(80), "new_starts": D(50), "funds": D(100)},
        {"fai": D(40), "new_starts": D(30), "funds": D(30)},
    )
    assert score == D(77)


def test_composite_score_caps_over_completion():
    values = {"fai": D(150), "funds": D(50)}
    weights = {"fai": D(50), "funds": D(50)}
    # Cap 100: (50 + 25) / 100 = 75%; cap 120: (60 + 25) / 100 = 85%.
    assert composite_score(values, weights) == D(75)
    assert composite_score(values, weights, cap_pct=D(120)) == D(85)


def test_indicator_carried_without_a_figure_scores_zero():
    weights = {"fai": D(50), "funds": D(50)}
    assert composite_score({"fai": D(100)}, weights) == D(50)
    assert composite_score({"fai": D(100), "funds": None}, weights) == D(50)


def test_indicator_a_unit_does_not_carry_is_left_out_of_its_full_marks():
    assert composite_score({"fai": D(80), "funds": D(0)}, {"fai": D(50)}) == D(80)


def test_composite_score_needs_positive_weights():
    with pytest.raises(ValueError):
        composite_score({}, {})
    with pytest.raises(ValueError):
        composite_score({"fai": D(1)}, {"fai": D(0)})


def test_bigger_new_starts_weigh_more_seed_004():
    # 3000万 → 0, 5000万 → 1, 9999万 → 1, 1亿 → 2, 6亿 → 3, 25亿 → 5: 12 in all.
    investments = [D(3_000), D(5_000), D(9_999), D(10_000), D(60_000), D(250_000)]
    assert weighted_project_count(investments, tiers=DEFAULT_NEW_START_WEIGHT_TIERS_SEED_004) == D(12)


def places(awards):
    return [(award.key, award.place) for award in awards]


def test_comprehensive_awards_go_to_the_top_five_of_each_group():
    towns = {name: D(score) for name, score in zip("ABCDEFG", (70, 95, 60, 88, 91, 40, 77), strict=True)}
    bureaus = {name: D(score) for name, score in zip("UVWXYZ", (10, 20, 30, 40, 50, 60), strict=True)}
    awards = comprehensive_awards({"镇、街": towns, "区直部门": bureaus}, rule=COMPREHENSIVE_AWARD_SEED_004)
    assert places(awards["镇、街"]) == [("B", 1), ("E", 2), ("D", 3), ("G", 4), ("A", 5)]
    assert places(awards["区直部门"]) == [("Z", 1), ("Y", 2), ("X", 3), ("W", 4), ("V", 5)]


def test_rule_5_units_tied_first_share_first_place_and_the_next_is_third():
    # 建设局 and 综合执法局 tie on 96: both 第1名; 92 is 第3名, not 第2名.
    scores = {"建设局": D(96), "综合执法局": D(96), "财政局": D(92), "商务局": D(90)}
    assert places(award_places(scores, places=5)) == [
        ("建设局", 1),
        ("综合执法局", 1),
        ("财政局", 3),
        ("商务局", 4),
    ]


def test_rule_5_a_tie_at_the_last_awarded_place_awards_every_tied_unit_at_that_place():
    # 50 and 50 tie 5th: both win as 第5名 (not 第5名 and 第6名); 40 is 7th and wins nothing.
    scores = {name: D(score) for name, score in zip("ABCDEFG", (90, 80, 70, 60, 50, 50, 40), strict=True)}
    assert places(award_places(scores, places=5)) == [
        ("A", 1),
        ("B", 2),
        ("C", 3),
        ("D", 4),
        ("E", 5),
        ("F", 5),
    ]


def test_rule_5_a_tie_across_the_last_place_is_awarded_at_the_shared_place():
    # 4th and 5th tie on 60: both 第4名; a 6th unit on 55 is outside the five places.
    scores = {"A": D(90), "B": D(80), "C": D(70), "D": D(60), "E": D(60), "F": D(55)}
    assert places(award_places(scores, places=5))[-2:] == [("D", 4), ("E", 4)]


def test_barred_unit_gets_no_award_and_the_next_unit_moves_up():
    scores = {"A": D(90), "B": D(80), "C": D(70)}
    assert places(award_places(scores, places=2, barred={"A"})) == [("B", 1), ("C", 2)]


def test_unit_without_a_score_gets_no_award():
    assert award_places({"A": None, "B": D(1)}, places=2) == (AwardPlace("B", 1),)


def test_single_item_awards_give_two_or_three_per_indicator():
    scores = {
        "fai": {"A": D(120), "B": D(101), "C": D(99), "D": D(80)},
        "funds": {"A": D(50), "B": D(70), "C": D(60), "D": D(90)},
    }
    awards = single_item_awards(scores, rule=SINGLE_ITEM_AWARD_SEED_004, places={"fai": 3, "funds": 2})
    assert places(awards["fai"]) == [("A", 1), ("B", 2), ("C", 3)]
    assert places(awards["funds"]) == [("D", 1), ("B", 2)]


def test_single_item_awards_reject_places_outside_two_to_three():
    with pytest.raises(ValueError):
        single_item_awards({"fai": {}}, rule=SINGLE_ITEM_AWARD_SEED_004, places={"fai": 4})


def test_seed_004_award_rules():
    assert (COMPREHENSIVE_AWARD_SEED_004.max_places, COMPREHENSIVE_AWARD_SEED_004.prize_wan) == (5, D(5))
    assert (
        SINGLE_ITEM_AWARD_SEED_004.min_places,
        SINGLE_ITEM_AWARD_SEED_004.max_places,
        SINGLE_ITEM_AWARD_SEED_004.prize_wan,
    ) == (2, 3, D(2))


# --- Warnings ------------------------------------------------------------------------------------


def test_warning_is_green_at_or_above_time_progress():
    assert warning_colour(completion_rate=D(50), time_progress=D(50), yellow_gap=D(5)) is WarningColour.GREEN
    assert warning_colour(completion_rate=D(70), time_progress=D(50), yellow_gap=D(5)) is WarningColour.GREEN


def test_warning_is_yellow_when_behind_by_at_most_the_gap():
    assert warning_colour(completion_rate=D(45), time_progress=D(50), yellow_gap=D(5)) is WarningColour.YELLOW


def test_warning_is_red_when_behind_by_more_than_the_gap():
    red = warning_colour(completion_rate=D("44.99"), time_progress=D(50), yellow_gap=D(5))
    assert red is WarningColour.RED


def test_warning_is_none_when_the_completion_rate_is_undefined():
    assert warning_colour(completion_rate=None, time_progress=D(50), yellow_gap=D(5)) is None


def test_warning_colours_have_chinese_labels():
    assert [colour.label for colour in WarningColour] == ["绿", "黄", "红"]


# --- Each DESIGN.md rule by the function named after it ------------------------------------------


def test_rule_1_rank_units_ranks_one_two_two_four_and_puts_an_unreported_unit_below_every_reporter():
    result = rank_units(
        [reported("甲", "9"), reported("乙", "7"), reported("丙", "7"), missing("丁"), reported("戊", "3")]
    )
    assert [(entry.key, entry.rank) for entry in result] == [
        ("甲", 1),
        ("乙", 2),
        ("丙", 2),
        ("戊", 4),
        ("丁", 5),
    ]


def test_rule_1_metric_entry_makes_a_unit_without_a_figure_unreported_and_an_undefined_metric_unranked():
    assert metric_entry("甲", None, has_figure=False).status is EntryStatus.MISSING
    assert metric_entry("乙", None, has_figure=True).status is EntryStatus.UNDEFINED
    assert metric_entry("丙", D("-3.2"), has_figure=True) == RankEntry("丙", D("-3.2"))


def test_rule_2_bottom_units_are_every_unit_holding_the_last_rank():
    assert bottom_units({"甲": 1, "乙": 3, "丙": 3, "丁": 2}) == {"乙", "丙"}


def test_rule_2_bottom_units_never_include_a_unit_without_a_rank():
    assert bottom_units({"甲": 1, "乙": None}) == {"甲"}
    assert bottom_units({"甲": None}) == set()


def test_rule_2_an_unreported_unit_is_bottom_even_below_a_reporter_with_a_negative_value():
    result = rank_units([reported("甲", "-20"), missing("乙"), undefined("丙")])
    assert ranks(result) == [("甲", 1, False), ("乙", 2, True), ("丙", None, False)]


def test_rule_3_escalation_step_climbs_the_seed_002_ladder_and_stays_on_its_top_step():
    assert levels_over([True, True, True, True, False, True], LADDER_SEED_002) == [1, 2, 3, 3, 0, 1]


def test_rule_7_warning_colour_is_green_at_time_progress_yellow_within_the_gap_and_red_beyond():
    def colour(rate):
        return warning_colour(completion_rate=D(rate), time_progress=D("50"), yellow_gap=D("5"))

    assert [colour("50"), colour("45"), colour("44.9")] == [
        WarningColour.GREEN,
        WarningColour.YELLOW,
        WarningColour.RED,
    ]
