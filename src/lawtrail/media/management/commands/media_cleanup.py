from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lawtrail.media import ingest
from lawtrail.media.models import Upload


class Command(BaseCommand):
    help = ("删除长期未完成的上传任务及其暂存文件（从未确认上传成功，不是记录；已完成的上传和存储中的原件不受影响）")

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=7, metavar="DAYS",
                            help="最后一次收到数据已超过的天数（默认 7，至少 1）")

    def handle(self, *args, older_than: int, **opts):
        if older_than < 1:
            raise CommandError("--older-than 至少为 1 天：正在进行的上传可能只是暂时中断")
        cutoff = timezone.now() - timedelta(days=older_than)
        stale = list(Upload.objects.filter(record__isnull=True, updated_at__lt=cutoff))
        freed = 0
        for u in stale:
            path = ingest.staged(u.pk)
            freed += path.stat().st_size if path.exists() else 0
            ingest.discard(path)
            Upload.objects.filter(pk=u.pk, record__isnull=True, updated_at__lt=cutoff).delete()
        self.stdout.write(f"已清理 {len(stale)} 个未完成的上传任务，释放 {freed / 2 ** 20:.1f} MB 暂存空间")
