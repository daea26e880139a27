import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lawtrail.access import actions
from lawtrail.access.models import PROFILES, Bureau


class Command(BaseCommand):
    help = ("执法机关（安装级操作，各机关的系统管理员不能新建机关）：create 代码 --name 名称 --abbr 案号简称 "
            "--profile 规则配置 [--admin 用户名 --admin-name 姓名]（首位系统管理员的初始密码只显示一次）；list")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        c = sub.add_parser("create", help="新建执法机关，可同时建立其首位系统管理员")
        c.add_argument("code")
        c.add_argument("--name", required=True)
        c.add_argument("--abbr", required=True, help="案号简称，如“金普文旅”")
        c.add_argument("--profile", required=True, choices=sorted(PROFILES))
        c.add_argument("--admin", help="首位系统管理员的用户名")
        c.add_argument("--admin-name", help="首位系统管理员的姓名")
        sub.add_parser("list", help="列出执法机关")

    def handle(self, *args, op, **opts):
        if op == "list":
            for b in Bureau.objects.order_by("code"):
                self.stdout.write(f"{b.code:<16} {b.name}（{b.abbr}，规则配置 {b.profile}）")
            return
        if bool(opts["admin"]) != bool(opts["admin_name"]):
            raise CommandError("--admin 和 --admin-name 须同时给出")
        password = secrets.token_urlsafe(12)
        try:
            with transaction.atomic():
                b = actions.create_bureau(by=None, code=opts["code"], name=opts["name"], abbr=opts["abbr"],
                                          profile=opts["profile"])
                if opts["admin"]:
                    actions.create_staff(by=None, username=opts["admin"], password=password, name=opts["admin_name"],
                                         bureau=b, role="administrator")
        except ValidationError as e:
            raise CommandError("；".join(f"{k}：{'、'.join(v)}" for k, v in e.message_dict.items())) from None
        self.stdout.write(f"已新建执法机关 {b.name}（{b.code}）")
        if opts["admin"]:
            self.stdout.write(f"系统管理员 {opts['admin']} 的初始密码：{password}（只显示这一次，请登录后立即修改）")
