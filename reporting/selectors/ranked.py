"""A scheme's ranking of the statistics bureau's figures, computed by the database.

Rules 1 and 2 of DESIGN.md as one query with window functions: each active unit of the group
with its figure, target, metric value rounded as the bulletin prints it, status and rank
(competition ranking; 未报送 below every reporter; an undefined value unranked). It is the same
rule as ``rules.rank_units``, which ranks what only Python can compute (composite scores, project
sums); ``reporting/tests/test_ranked.py`` holds the two to the same answers.

PostgreSQL computes in exact decimals. SQLite, the embedded default, computes the metric in
binary floating point, so a value exactly on a rounding boundary (x.x5) may round down there.
"""

from __future__ import annotations

from django.db.models import (
    Case,
    Count,
    DecimalField,
    F,
    FilteredRelation,
    Func,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Rank, Round

from common.periods import Period
from targets.models import Unit

from ..choices import Metric, RowStatus
from ..models import RankingScheme

RATE = DecimalField(max_digits=20, decimal_places=4)
DATABASE_METRICS = (Metric.GROWTH, Metric.COMPLETION_RATE, Metric.AMOUNT)
# The columns of ``ranked_entries``, in the order ``ranking_rows_insert`` writes them.
COLUMNS = ("unit_ref", "ytd", "base", "goal", "metric", "state", "place")


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


def _metric(metric: str):
    if metric == Metric.GROWTH:
        return Round(Percent(F("ytd") - F("base"), F("base")), 1, output_field=RATE)
    if metric == Metric.COMPLETION_RATE:
        return Round(Percent(F("ytd"), F("goal")), 1, output_field=RATE)
    if metric == Metric.AMOUNT:
        return Round(F("ytd"), 2, output_field=RATE)
    raise ValueError(f"{metric} is not ranked by the database")


def ranked_entries(*, scheme: RankingScheme, period: Period, table_id: int | None) -> QuerySet:
    """One row per active unit of the group: ``COLUMNS``, ranked (rank ``place`` may be NULL)."""
    units = Unit.objects.filter(ranking_groups=scheme.group_id, is_active=True).annotate(
        figure=FilteredRelation(
            "official_figures",
            condition=Q(official_figures__year=period.year, official_figures__month=period.month),
        ),
        share=FilteredRelation("targets", condition=Q(targets__table_id=table_id)),
        unit_ref=F("pk"),
        ytd=F("figure__ytd_completed"),
        base=F("figure__baseline"),
        goal=F("share__value"),
    )
    units = units.annotate(metric=_metric(scheme.metric))
    missing = Q(figure__id__isnull=True)
    return (
        units.annotate(
            state=Case(
                When(missing, then=Value(RowStatus.MISSING.value)),
                When(metric__isnull=True, then=Value(RowStatus.UNDEFINED.value)),
                default=Value(RowStatus.REPORTED.value),
            ),
            place=Case(
                When(
                    metric__isnull=False,
                    then=Window(Rank(), order_by=F("metric").desc(nulls_last=True)),
                ),
                When(missing, then=Window(Count("metric")) + 1),
                default=None,
            ),
        )
        .order_by()
        .values_list(*COLUMNS)
    )
