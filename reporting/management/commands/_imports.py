"""What the three import commands share: who the import is recorded as, and how it ends."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from common.imports import ImportOutcome


def add_user_argument(parser) -> None:
    parser.add_argument(
        "--user", help="记入修改记录的操作人用户名（默认不记操作人，仅记“命令行导入”及文件名）"
    )


def actor(username: str | None) -> User | None:
    if not username:
        return None
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"用户不存在：{username}")
    return user


def finish(command: BaseCommand, outcome: ImportOutcome, *, what: str, confirm_hint: str = "") -> None:
    """Print every error (row and column) and fail, or print what was saved."""
    if outcome.errors:
        for error in outcome.errors:
            command.stderr.write(error)
        raise CommandError(f"{what}未导入：共 {len(outcome.errors)} 处问题，数据库未作任何修改。")
    if outcome.confirmations:
        for item in outcome.confirmations:
            command.stderr.write(item)
        raise CommandError(
            f"{what}未导入：以上金额明显高于项目的通常水平，核实无误后{confirm_hint}重新导入。"
        )
    command.stdout.write(f"{what}导入成功：新增 {outcome.created} 条，更新 {outcome.updated} 条。")
