from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from accounts.models import User
from api.services import api_token_create


class Command(BaseCommand):
    help = "为用户生成开放接口令牌并打印（只显示这一次，系统只保存其摘要）。调用以该用户的角色和单位执行。"

    def add_arguments(self, parser) -> None:
        parser.add_argument("username", help="令牌所属用户的用户名")
        parser.add_argument("--expires-days", type=int, default=None, help="有效天数，不填则不过期")
        parser.add_argument("--name", default="", help="用途说明，如 明湖办事处项目管理系统")

    def handle(self, *args, username: str, expires_days: int | None, name: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户名为「{username}」的用户。")
        try:
            issued = api_token_create(user=user, actor=None, name=name, expires_days=expires_days)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from error
        self.stdout.write(issued.secret)
        expiry = issued.token.expires_at
        until = f"到期：{timezone.localtime(expiry):%Y-%m-%d %H:%M}" if expiry else "不过期"
        self.stderr.write(f"已为 {user.username} 生成接口令牌（{until}）。请妥善保存，令牌不会再次显示。")
