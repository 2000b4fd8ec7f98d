import json
import sys

from django.core.management.base import BaseCommand, CommandError

from common.periods import Period
from common.spreadsheets import display_width
from reporting.selectors.readiness import PeriodReadiness, period_readiness
from reporting.services.rankings import (
    RankingError,
    active_schemes,
    period_is_published,
    period_publish,
    period_publish_refusal,
    period_rank,
    period_rows,
)

CONFIRMATION = "yes"


class Command(BaseCommand):
    help = (
        "计算（或重新计算）该统计期所有排名方案的排名及拟约谈单位；--publish 发布并冻结。"
        "发布前在标准错误输出列出该期各单位的报送就绪情况，在终端中运行时须确认后才发布。"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", required=True, help="统计期，如 2022-05 表示 2022年1-5月")
        parser.add_argument("--publish", action="store_true", help="发布：冻结排名和约谈，锁定该期报送")
        parser.add_argument("--format", choices=["table", "json"], default="table")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="发布前不询问确认（供脚本使用）；就绪情况仍会列出",
        )

    def handle(self, *args, **options) -> None:
        try:
            period = Period.parse(options["period"])
            if options["publish"] and not period_is_published(period):
                self.publication_confirm(period, interactive=options["interactive"])
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

    def publication_confirm(self, period: Period, *, interactive: bool) -> None:
        """What the publish page shows first: every unit's return and what publishing now means for
        it; at a terminal, publishing goes ahead only once the admin confirms those units."""
        refusal = period_publish_refusal(period=period)
        if refusal is not None:
            raise CommandError(refusal)
        readiness = period_readiness(period=period, schemes=list(active_schemes()))
        self.write_readiness(readiness)
        attention = readiness.attention
        if not interactive or not attention or not sys.stdin.isatty():
            return
        # Asked on stderr, so a table or JSON sent to a file from stdout stays clean.
        self.stderr.write(
            f"以上{len(attention)}个单位尚未审核：{'、'.join(row.unit.name for row in attention)}。\n"
            f"发布后排名与约谈将冻结，该期报送锁定。确认按上述情况发布{period.label}？"
            f"请输入 {CONFIRMATION} 确认：",
            ending="",
        )
        self.stderr.flush()
        if sys.stdin.readline().strip().lower() != CONFIRMATION:
            raise CommandError(f"未确认，{period.label}未发布。")

    def write_readiness(self, readiness: PeriodReadiness) -> None:
        states = "，".join(
            f"{state} {readiness.count(state)}"
            for state in dict.fromkeys(row.state for row in readiness.rows)
        )
        self.stderr.write(f"{readiness.period.label}报送就绪情况（{len(readiness.rows)}个单位：{states}）")
        for row in readiness.rows:
            mark = "！" if row.needs_attention else "  "
            self.stderr.write(f"{mark}{pad(row.unit.name, 16)}{pad(row.state, 14)}{row.consequence}")
        if readiness.attention:
            self.stderr.write(f"须确认的单位（{len(readiness.attention)}个）：")
            for row in readiness.attention:
                self.stderr.write(f"  {row.summary}")
        else:
            self.stderr.write("各单位报送均已审核。")

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
