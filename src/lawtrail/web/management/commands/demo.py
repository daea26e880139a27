import secrets

from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.core.management.base import BaseCommand
from django.db import transaction

from lawtrail.ledger import checkpoints
from lawtrail.ledger.store import append

LOGINS_FILE = "demo-logins.txt"

# username, display name, staff?, superuser?, groups
PEOPLE = [
    ("admin", "系统管理员", True, True, []),
    ("auditor", "审计员 周敏", False, False, ["审计员"]),
]


class Command(BaseCommand):
    help = "加载演示数据（只加载一次），并打印演示账号；密码随机生成并保存在数据目录"

    def handle(self, *args, **opts):
        path = settings.DATA_DIR / LOGINS_FILE
        if User.objects.filter(username="admin").exists():
            self.stdout.write("演示数据已加载。")
        else:
            self._load(path)
        if path.exists():
            self.stdout.write(path.read_text(encoding="utf-8"))

    @transaction.atomic
    def _load(self, path):
        auditors, _ = Group.objects.get_or_create(name="审计员")
        auditors.permissions.add(*Permission.objects.filter(content_type__app_label="ledger",
                                                            codename__startswith="view_"))
        lines = ["演示账号（仅用于演示，请勿在正式环境使用）："]
        for username, name, staff, superuser, groups in PEOPLE:
            password = secrets.token_urlsafe(9)
            user = User.objects.create_user(username, password=password, first_name=name,
                                            is_staff=staff, is_superuser=superuser)
            for g in groups:
                user.groups.add(Group.objects.get(name=g))
            append(actor="system:demo", action="accounts.user_created", subject=f"user:{user.pk}",
                   payload={"username": username, "name": name, "groups": groups, "superuser": superuser})
            lines.append(f"  {name:<10} 用户名 {username:<10} 密码 {password}")
        append(actor="system:demo", action="demo.loaded", payload={"people": len(PEOPLE)})
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        path.chmod(0o600)
        transaction.on_commit(lambda: checkpoints.issue())
        self.stdout.write("已加载演示数据。")
