import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import security_admin_create


class Command(BaseCommand):
    help = (
        "创建第一个安全管理员（此后由安全管理员在“角色分配”页分配所有角色）。"
        "已有安全管理员时拒绝执行。密码从终端输入，或取自环境变量 INITIAL_SECURITY_ADMIN_PASSWORD。"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--password-from-env", action="store_true", help="从 INITIAL_SECURITY_ADMIN_PASSWORD 读取密码"
        )

    def handle(self, *args, username: str, password_from_env: bool, **options) -> None:
        if password_from_env:
            password = os.environ.get("INITIAL_SECURITY_ADMIN_PASSWORD", "")
        else:
            password = getpass.getpass("密码：")
            if password != getpass.getpass("再次输入密码："):
                raise CommandError("两次输入的密码不一致。")
        try:
            validate_password(password)
            user = security_admin_create(username=username, password=password)
        except ValidationError as error:
            raise CommandError("；".join(error.messages)) from None
        self.stdout.write(f"已创建安全管理员 {user.username}；首次登录须修改密码并绑定动态口令。")
