from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from lawtrail.access import actions
from lawtrail.access.models import ApiToken


class Command(BaseCommand):
    help = "管理接口令牌：create 用户名 --name 用途（令牌只显示一次）；list；revoke 前缀"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        c = sub.add_parser("create", help="为账号签发令牌")
        c.add_argument("username")
        c.add_argument("--name", required=True, help="用途，如“执法记录仪采集站 01”")
        sub.add_parser("list", help="列出令牌（不含密钥）")
        r = sub.add_parser("revoke", help="吊销令牌")
        r.add_argument("prefix")

    def handle(self, *args, op, **opts):
        if op == "create":
            user = User.objects.filter(username=opts["username"], is_active=True).first()
            if user is None:
                raise CommandError(f"没有可用的账号“{opts['username']}”")
            t, secret = actions.issue_token(by=None, user=user, name=opts["name"])
            self.stdout.write(secret)
            self.stderr.write(f"已签发令牌 {t.prefix}…（用途：{t.name}）。请立即保存，它不会再次显示。")
        elif op == "list":
            for t in ApiToken.objects.select_related("user").order_by("id"):
                state = f"已吊销 {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "有效"
                self.stdout.write(f"{t.prefix}…  {t.user.username:<16} {t.name}  {state}")
        else:
            t = ApiToken.objects.filter(prefix=opts["prefix"], revoked_at__isnull=True).first()
            if t is None:
                raise CommandError(f"没有前缀为“{opts['prefix']}”的有效令牌")
            actions.revoke_token(by=None, token=t)
            self.stdout.write(f"已吊销 {t.prefix}…")
