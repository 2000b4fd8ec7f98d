import json

from django.core.management.base import BaseCommand, CommandError

from common.periods import Period
from common.spreadsheets import display_width
from reporting.selectors.rankings import period_rows
from reporting.services.publication import period_publish
from reporting.services.rankings import RankingError, period_rank


class Command(BaseCommand):
    help = "计算（或重新计算）该统计期所有排名方案的排名及拟约谈单位；--publish 发布并冻结。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", required=True, help="统计期，如 2022-05 表示 2022年1-5月")
        parser.add_argument("--publish", action="store_true", help="发布：冻结排名和约谈，锁定该期报送")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options) -> None:
        try:
            period = Period.parse(options["period"])
            ranking = period_publish(period=period) if options["publish"] else period_rank(period=period)
        except (ValueError, RankingError) as error:
            raise CommandError(str(error)) from error
        for skipped in ranking.skipped:
            self.stderr.write(skipped.notice)
        rows = list(period_rows(period=period))
        if options["format"] == "json":
            self.stdout.write(json.dumps([row_as_json(row) for row in rows], ensure_ascii=False, indent=2))
        else:
            self.write_table(period, rows)

    def write_table(self, period: Period, rows) -> None:
        run = None
        for row in rows:
            if row.run != run:
                run = row.run
                self.stdout.write(f"\n{run.scheme.name}（{period.label}，{run.get_status_display()}）")
                self.stdout.write(
                    f"{'排名':>4}  {'单位':<12}{run.scheme.get_metric_display():>10}  约谈级别  备注"
                )
            value = "—" if row.value is None else f"{row.value:,.1f}"
            rank = "—" if row.rank is None else str(row.rank)
            self.stdout.write(
                f"{rank:>4}  {row.unit.name:<12}{value:>10}  {row.escalation_level or '':>6}    {row.note}"
            )


def pad(text: str, width: int, *, right: bool = False) -> str:
    """Pad to a terminal width where a Chinese character takes two columns."""
    fill = " " * max(width - display_width(text), 0)
    return fill + text if right else text + fill


def row_as_json(row) -> dict:
    return {
        "scheme": row.run.scheme.name,
        "group": row.run.scheme.group.name,
        "unit": row.unit.name,
        "value": None if row.value is None else float(row.value),
        "rank": row.rank,
        "bottom": row.is_bottom,
        "escalation_level": row.escalation_level,
        "status": row.status,
        "published": row.run.is_published,
    }
