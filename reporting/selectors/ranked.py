"""What a scheme ranks on: each active unit's figure, target and metric value for a period.

These are the ranking's inputs only. The ranking itself — the places, the ties, 未报送, bottom and
the ladder — is decided by ``rules.rank_units`` and ``rules.bottom_units`` (DESIGN.md rules 1 and
2) whatever computed the inputs. The statistics bureau's figures are summed and their metric
rounded by the database in one query (``database_inputs``); composite scores and project sums are
computed in Python (``python_inputs``). ``reporting/tests/test_ranked.py`` holds the two to the
same answers.

PostgreSQL computes in exact decimals. SQLite, the embedded default, computes the metric in
binary floating point, so a value exactly on a rounding boundary (x.x5) may round down there.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import DecimalField, F, FilteredRelation, Func, Q
from django.db.models.functions import Round

from common.figures import rounded, shown_pct
from common.periods import Period
from targets.models import AllocationTable, Unit

from .. import rules
from ..choices import FigureSource, Metric, RunStatus
from ..models import LadderStep, RankingRun, RankingScheme
from .indicators import indicator_completion_rates
from .unit_figures import UnitFigure, figure_source_for, unit_figures, unit_targets, year_target_tables

RATE = DecimalField(max_digits=20, decimal_places=4)
DATABASE_METRICS = (Metric.GROWTH, Metric.COMPLETION_RATE, Metric.AMOUNT)
# Rates are ranked as the bulletin prints them, to one decimal (``shown_pct``): two units the
# bulletin shows as 5.1% share a rank rather than being split by a digit nobody sees. Amounts to
# the fen.
AMOUNT_PLACES = 2


class MetricInput(NamedTuple):
    """One unit's input to the ranking: its figure, its target and its rule-1 entry."""

    unit_id: int
    entry: rules.RankEntry
    ytd_completed: Decimal | None
    baseline: Decimal | None
    target: Decimal | None


@dataclass(frozen=True)
class EarlierRun:
    """A published run of the scheme earlier in the year, with the units it put at the bottom."""

    pk: int
    month: int
    bottom_unit_ids: frozenset[int]


@dataclass(frozen=True)
class RankingInputs:
    """Everything a scheme's ranking of a period is computed from, read once.

    ``ranking_compute`` ranks these and stores their digest with the draft; ``stale_run_ids`` reads
    them again and compares digests, so the two never disagree about what an input is.
    """

    scheme: RankingScheme
    period: Period
    source: FigureSource
    table: AllocationTable | None  # the allocation table rule 10 chose (``year_target_table``)
    units: list[MetricInput]
    steps: list[LadderStep]  # the scheme's ladder, by level
    earlier_runs: list[EarlierRun]  # the year's earlier published periods, by month


class SchemesRead(NamedTuple):
    """What ranking schemes of a period reads once for them all (``schemes_read``)."""

    source: FigureSource  # where the year's figures come from
    tables: dict[int, AllocationTable | None]  # scheme id → the table rule 10 chose
    steps: dict[int, list[LadderStep]]  # ladder id → its steps, by level
    earlier: dict[int, list[EarlierRun]]  # scheme id → ``earlier_runs``


def schemes_read(
    *, schemes: list[RankingScheme], period: Period, source: FigureSource | None = None
) -> SchemesRead:
    """The schemes' shared inputs for the period, in three queries however many schemes."""
    ladders = {scheme.ladder_id for scheme in schemes if scheme.ladder_id}
    steps: dict[int, list[LadderStep]] = {ladder: [] for ladder in ladders}
    for step in LadderStep.objects.filter(ladder_id__in=ladders).order_by("ladder_id", "level"):
        steps[step.ladder_id].append(step)
    return SchemesRead(
        source=figure_source_for(period.year) if source is None else source,
        tables=year_target_tables(schemes=schemes, year=period.year),
        steps=steps,
        earlier=earlier_runs(schemes=schemes, period=period),
    )


def ranking_inputs(
    *, scheme: RankingScheme, period: Period, read: SchemesRead | None = None
) -> RankingInputs:
    """The scheme's inputs for the period as they are now, in a handful of queries whatever the units.

    A caller ranking several schemes at once passes what ``schemes_read`` read for them all."""
    if read is None:
        read = schemes_read(schemes=[scheme], period=period)
    table = read.tables[scheme.pk]
    return RankingInputs(
        scheme=scheme,
        period=period,
        source=read.source,
        table=table,
        units=scheme_inputs(scheme=scheme, period=period, source=read.source, table=table),
        steps=read.steps.get(scheme.ladder_id, []),
        earlier_runs=read.earlier[scheme.pk],
    )


def earlier_runs(*, schemes: list[RankingScheme], period: Period) -> dict[int, list[EarlierRun]]:
    """Scheme id → its published runs of the year before the period, by month, each with its bottom
    units; all in one query (a run with no bottom unit still comes, with none)."""
    bottoms: dict[tuple[int, int, int], set[int]] = {}
    for scheme_id, pk, month, unit_id in (
        RankingRun.objects.filter(
            scheme__in=schemes, year=period.year, month__lt=period.month, status=RunStatus.PUBLISHED
        )
        .annotate(bottom=FilteredRelation("rows", condition=Q(rows__is_bottom=True)))
        .order_by("month")
        .values_list("scheme_id", "pk", "month", "bottom__unit_id")
    ):
        units = bottoms.setdefault((scheme_id, pk, month), set())
        if unit_id is not None:
            units.add(unit_id)
    runs: dict[int, list[EarlierRun]] = {scheme.pk: [] for scheme in schemes}
    for (scheme_id, pk, month), units in bottoms.items():
        runs[scheme_id].append(EarlierRun(pk, month, frozenset(units)))
    return runs


def scheme_inputs(
    *, scheme: RankingScheme, period: Period, source: str, table: AllocationTable | None
) -> list[MetricInput]:
    """The inputs of the scheme's ranking for the period, computed where it is quickest; ``table`` is
    the allocation table rule 10 chose (``year_target_table``)."""
    if source == FigureSource.OFFICIAL and scheme.metric in DATABASE_METRICS:
        return database_inputs(scheme=scheme, period=period, table_id=table.pk if table else None)
    return python_inputs(scheme=scheme, units=ranked_units(scheme), period=period, source=source, table=table)


def ranked_units(scheme: RankingScheme) -> list[Unit]:
    """The group's active units. A unit made inactive leaves the rankings from then on."""
    return list(scheme.group.units.filter(is_active=True).order_by("sort_order", "name"))


class Percent(Func):
    """numerator × 100 ÷ denominator; NULL when the denominator is 0 or missing.

    Exact decimals on PostgreSQL; SQLite would divide its integers as integers, so it is told the
    hundred is a real number.
    """

    output_field = RATE

    def as_sql(self, compiler, connection, hundred="100", **extra):
        numerator, denominator = (
            compiler.compile(expression) for expression in self.get_source_expressions()
        )
        return (
            f"(({numerator[0]}) * {hundred} / NULLIF({denominator[0]}, 0))",
            (*numerator[1], *denominator[1]),
        )

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, hundred="100.0", **extra)


class Rounded(Round):
    """``Round`` into a rate, taken as the database backend gives it.

    PostgreSQL's numeric arrives as a ``Decimal`` (and SQLite's float is made one by its backend's
    converter), so the expression adds no conversion of its own: a province's thousands of rows are
    then read without a converting pass over each of them."""

    output_field = RATE

    @property
    def convert_value(self):
        return self._convert_value_noop


def _metric(metric: str):
    if metric == Metric.GROWTH:
        return Rounded(Percent(F("ytd") - F("base"), F("base")), 1)
    if metric == Metric.COMPLETION_RATE:
        return Rounded(Percent(F("ytd"), F("goal")), 1)
    if metric == Metric.AMOUNT:
        return Rounded(F("ytd"), AMOUNT_PLACES)
    raise ValueError(f"{metric} is not ranked by the database")


def database_inputs(*, scheme: RankingScheme, period: Period, table_id: int | None) -> list[MetricInput]:
    """One query: each active unit of the group with its official figure, its target and its metric
    rounded as published (NULL when undefined)."""
    units = (
        Unit.objects.filter(ranking_groups=scheme.group_id, is_active=True)
        .annotate(
            figure=FilteredRelation(
                "official_figures",
                condition=Q(official_figures__year=period.year, official_figures__month=period.month),
            ),
            share=FilteredRelation("targets", condition=Q(targets__table_id=table_id)),
            ytd=F("figure__ytd_completed"),
            base=F("figure__baseline"),
            goal=F("share__value"),
        )
        .annotate(metric=_metric(scheme.metric), has_figure=Q(figure__id__isnull=False))
        .order_by("sort_order", "name")
        .values_list("pk", "has_figure", "ytd", "base", "goal", "metric")
    )
    metric_entry = rules.metric_entry
    return [
        MetricInput(unit_id, metric_entry(unit_id, metric, has_figure=bool(has_figure)), ytd, base, goal)
        for unit_id, has_figure, ytd, base, goal, metric in units
    ]


def python_inputs(
    *, scheme: RankingScheme, units: list[Unit], period: Period, source: str, table: AllocationTable | None
) -> list[MetricInput]:
    """Each unit's figure, target and metric value computed in Python: project sums, composite scores."""
    figures = unit_figures(units=units, period=period, source=source)
    targets = unit_targets(units=units, table=table)
    composite = _composite_scores(scheme, units, period, source) if scheme.metric == Metric.COMPOSITE else {}
    inputs = []
    for unit in units:
        figure = figures.get(unit.pk)
        target = targets.get(unit.pk)
        if figure is None:
            inputs.append(
                MetricInput(unit.pk, rules.metric_entry(unit.pk, None, has_figure=False), None, None, target)
            )
            continue
        value = metric_value(scheme.metric, figure, target, composite.get(unit.pk))
        entry = rules.metric_entry(unit.pk, value, has_figure=True)
        inputs.append(MetricInput(unit.pk, entry, figure.ytd_completed, figure.baseline, target))
    return inputs


def metric_value(
    metric: str, figure: UnitFigure, target: Decimal | None, composite: Decimal | None
) -> Decimal | None:
    """The value a scheme ranks on, rounded as published; None when it is undefined."""
    if metric == Metric.GROWTH:
        return shown_pct(rules.growth_pct(figure.ytd_completed, figure.baseline))
    if metric == Metric.COMPLETION_RATE:
        return shown_pct(rules.completion_rate_pct(figure.ytd_completed, target))
    if metric == Metric.AMOUNT:
        return rounded(figure.ytd_completed, AMOUNT_PLACES)
    return composite


def _composite_scores(
    scheme: RankingScheme, units: list[Unit], period: Period, source: str
) -> dict[int, Decimal]:
    weights = {weight.indicator.code: weight.weight for weight in scheme.weights.select_related("indicator")}
    rates = indicator_completion_rates(units=units, period=period, codes=list(weights), source=source)
    scores = {}
    for unit in units:
        carried = {code: weight for code, weight in weights.items() if code in rates[unit.pk] and weight > 0}
        if carried:
            scores[unit.pk] = shown_pct(rules.composite_score(rates[unit.pk], carried))
    return scores
