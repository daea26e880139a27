from django.conf import settings
from django.core.management.base import BaseCommand

from lawtrail.ledger import keys
from lawtrail.ledger.proofs import fingerprint


class Command(BaseCommand):
    help = ("打印账本来源、检查点签名公钥（PEM）及其指纹，供上级机关、见证方或法院核对；"
            "输出可原样保存为 lawtrail verify-proof --trust 的信任文件")

    def handle(self, *args, **opts):
        self.stdout.write(f"# 账本来源（origin） {settings.LAWTRAIL_LOG_ORIGIN}")
        for v in keys.current().verifiers:
            self.stdout.write(f"# {v.alg} 密钥名 {v.name}  指纹 {fingerprint(v.pem())}  密钥 ID {v.key_id.hex()}")
            self.stdout.write(v.pem(), ending="")
