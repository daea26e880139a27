import os
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lawtrail.digits import is_digits
from lawtrail.ledger.management.commands.worker import checkpoint_loop


class Command(BaseCommand):
    help = "启动网页服务（waitress），并在同一进程内定期签发检查点、生成长视频的播放副本、重新检查案件并发送提醒"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument("--no-worker", action="store_true",
                            help="不在本进程运行后台任务（检查点、播放副本、规则检查与提醒；多台服务器时，由单独的 lawtrail worker 负责）")

    def handle(self, *args, host, port, threads, no_worker, **opts):
        if not is_digits(port) or not 0 < int(port) < 65536:
            raise CommandError(f"端口无效：{port!r}（PORT 应为 1–65535 的整数）")
        from lawtrail.web.streaming import serve
        from lawtrail.wsgi import application

        if not no_worker:
            from lawtrail.media.jobs import job_loop
            from lawtrail.rules.jobs import job_loop as rules_loop

            threading.Thread(target=checkpoint_loop, args=(settings.LAWTRAIL_CHECKPOINT_INTERVAL,),
                             name="checkpoints", daemon=True).start()
            threading.Thread(target=job_loop, name="media-jobs", daemon=True).start()
            threading.Thread(target=rules_loop, name="rules-jobs", daemon=True).start()
        proxy = {}
        if settings.CONFIG.https:
            # waitress drops X-Forwarded-* by default: without this Django would never see the
            # proxy's "https" and redirect every request back to itself. The proxy's own address is
            # not known here, so the server must be reachable only through it (README).
            # X-Forwarded-For too: login throttling and the ledger then see the client, not the proxy.
            proxy = {"trusted_proxy": "*", "trusted_proxy_count": 1,
                     "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"}}
            self.stdout.write(f"lawtrail 已启动：在 {host}:{port} 接收 TLS 反向代理转发的请求（LAWTRAIL_HTTPS=true），"
                              "请只通过 https:// 地址访问  （Ctrl+C 停止）")
        else:
            if host not in ("127.0.0.1", "localhost", "::1"):
                self.stderr.write("注意：未启用 LAWTRAIL_HTTPS，密码和会话将以明文在网络上传输；对外提供服务时请置于 "
                                  "TLS 反向代理之后并设置 LAWTRAIL_HTTPS=true")
            self.stdout.write(f"lawtrail 已启动：http://{host}:{port}/  （Ctrl+C 停止）")
        # recv_bytes: waitress reads sockets 8 KiB at a time by default; an upload's chunk of up to
        # 64 MiB then costs ~8,000 reads and a third more of the server's CPU (bench/media_bench.py).
        # slots: upload bodies streamed to the application at once (web/streaming.py), each holding
        # a thread while it arrives; half the threads stay for pages and buffered bodies.
        serve(application, slots=threads // 2, host=host, port=int(port), threads=threads, ident="lawtrail",
              recv_bytes=1 << 20, **proxy)
