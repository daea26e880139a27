import os
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lawtrail.ledger.management.commands.worker import checkpoint_loop


class Command(BaseCommand):
    help = "启动网页服务（waitress），并在同一进程内定期签发检查点、生成长视频的播放副本"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true",
                            help="不在本进程签发检查点、生成播放副本（多台服务器时，由单独的 lawtrail worker 负责）")

    def handle(self, *args, host, port, threads, no_worker, **opts):
        if not str(port).isdigit() or not 0 < int(port) < 65536:
            raise CommandError(f"端口无效：{port!r}（PORT 应为 1–65535 的整数）")
        from waitress import serve

        from lawtrail.wsgi import application

        if not no_worker:
            from lawtrail.media.jobs import job_loop

            threading.Thread(target=checkpoint_loop, args=(settings.LAWTRAIL_CHECKPOINT_INTERVAL,),
                             name="checkpoints", daemon=True).start()
            threading.Thread(target=job_loop, name="media-jobs", daemon=True).start()
        self.stdout.write(f"lawtrail 已启动：http://{host}:{port}/  （Ctrl+C 停止）")
        # recv_bytes: waitress reads sockets 8 KiB at a time by default; an upload's chunk of up to
        # 64 MiB then costs ~8,000 reads and a third more of the server's CPU (bench/media_bench.py).
        serve(application, host=host, port=int(port), threads=threads, ident="lawtrail", recv_bytes=1 << 20)
