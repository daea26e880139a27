"""The deployment keeps its data from other local users and can sit behind a TLS proxy. Each test
starts lawtrail in fresh processes, as an operator does, on a data dir that does not exist yet and
with the usual umask 022 — the settings, not the caller's shell, must make the files private."""

import json
import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

# Runs in a child process against the real settings: migrate, a checkpoint (the signing keys), the
# demo personas, and a photo uploaded through the page's chunked upload (staged, adopted by the
# media store, thumbnail made); then, with the database connection still open (WAL and SHM exist),
# prints the mode of everything under the data dir.
WRITE_EVERYTHING = r"""
import io, json, os, pathlib, sys
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test import Client
call_command("migrate", verbosity=0)
call_command("checkpoint", stdout=io.StringIO())
from tests.factories import Org
from tests.media.samples import write_jpeg
org = Org.build()
case = org.case()
data = write_jpeg(pathlib.Path(sys.argv[1]) / "photo.jpg").read_bytes()
c = Client()
c.force_login(org.zhang.user)
r = c.post("/media/uploads/", {"case": case.pk, "filename": "现场照片.jpg", "size": len(data)},
           content_type="application/json")
uid = r.json()["id"]
assert c.put(f"/media/uploads/{uid}/?offset=0", data, content_type="application/octet-stream").status_code == 200
r = c.post(f"/media/uploads/{uid}/complete/", {"source": "camera"}, content_type="application/json")
assert r.status_code == 200, r.content
connection.ensure_connection()
root = pathlib.Path(os.environ["LAWTRAIL_DATA_DIR"])
print(json.dumps({str(p.relative_to(root)): p.lstat().st_mode & 0o777 for p in [root, *root.rglob("*")]}))
"""


def lawtrail_env(data_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAWTRAIL_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for Playwright by tests/browser; never in a deployment
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH", "")])
    return env | {"LAWTRAIL_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "lawtrail.settings"} | extra


def run(args, env, **kw):
    # umask 022, as a login shell has it: what the children create must not depend on it.
    return subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
                          preexec_fn=lambda: os.umask(0o022), **kw)


def strong_key() -> str:
    return secrets.token_urlsafe(50)


@pytest.mark.parametrize("secret_from", ["data dir", "LAWTRAIL_SECRET_KEY"])
def test_nothing_under_the_data_dir_is_readable_by_other_local_users(tmp_path, secret_from):
    data = tmp_path / "data"
    extra = {"LAWTRAIL_ALLOWED_HOSTS": "testserver"}
    if secret_from == "LAWTRAIL_SECRET_KEY":
        extra["LAWTRAIL_SECRET_KEY"] = strong_key()
    done = run([sys.executable, "-c", WRITE_EVERYTHING, str(tmp_path)], lawtrail_env(data, **extra))
    assert done.returncode == 0, done.stderr[-3000:]
    modes = json.loads(done.stdout.strip().splitlines()[-1])

    assert modes["."] == 0o700
    expected = {"lawtrail.sqlite3", "lawtrail.sqlite3-wal", "lawtrail.sqlite3-shm", "keys/ed25519.key"}
    assert expected <= modes.keys()
    assert ("secret_key" in modes) == (secret_from == "data dir")
    objects = [p for p in modes if p.startswith("media/objects/") and len(Path(p).name) == 64]
    assert len(objects) >= 2, modes  # the photo and its thumbnail
    assert all(modes[p] == 0o400 for p in objects)  # evidence: read-only, and for lawtrail's user alone
    # The public keys are published by design (README: openssl -inkey var/keys/ed25519.pub).
    open_to_others = {p: oct(m) for p, m in modes.items() if m & 0o077 and not p.endswith(".pub")}
    assert open_to_others == {}


def test_a_data_dir_left_open_by_an_older_install_is_closed_at_start(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    done = run([sys.executable, "-m", "lawtrail.cli", "check"], lawtrail_env(data))
    assert done.returncode == 0, done.stderr
    assert data.stat().st_mode & 0o777 == 0o700


def test_check_deploy_finds_nothing_to_warn_about_behind_a_tls_proxy(tmp_path):
    env = lawtrail_env(tmp_path / "data", LAWTRAIL_SECRET_KEY=strong_key(), LAWTRAIL_DEBUG="false",
                       LAWTRAIL_HTTPS="true", LAWTRAIL_ALLOWED_HOSTS="zf.jinpu.gov.cn")
    done = run([sys.executable, "-m", "lawtrail.cli", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout + done.stderr and "WARNING" not in done.stdout + done.stderr


def test_check_deploy_warns_when_served_over_plain_http(tmp_path):
    env = lawtrail_env(tmp_path / "data", LAWTRAIL_SECRET_KEY=strong_key())
    done = run([sys.executable, "-m", "lawtrail.cli", "check", "--deploy", "--fail-level", "WARNING"], env)
    assert done.returncode != 0
    for warning in ("security.W004", "security.W012", "security.W016"):  # HSTS, session and CSRF cookies
        assert warning in done.stderr


class Served:
    """``lawtrail serve`` in a child process on a free port of 127.0.0.1."""

    def __init__(self, tmp_path: Path, **extra):
        env = lawtrail_env(tmp_path / "data", **extra)
        migrated = run([sys.executable, "-m", "lawtrail.cli", "migrate", "-v0"], env)
        assert migrated.returncode == 0, migrated.stderr
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen([sys.executable, "-m", "lawtrail.cli", "serve", "--no-worker", "--port",
                                      str(self.port)], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, preexec_fn=lambda: os.umask(0o022))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                assert self.proc.poll() is None, self.proc.stdout.read()
                time.sleep(0.2)
        raise AssertionError("lawtrail serve did not start")

    def get(self, path: str, **headers):
        """(status, headers) of a GET, redirects not followed."""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *a, **kw):
                return None

        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers)
        try:
            with urllib.request.build_opener(NoRedirect).open(req, timeout=10) as r:
                return r.status, r.headers
        except urllib.error.HTTPError as e:
            return e.code, e.headers

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        return self.proc.stdout.read()


@pytest.fixture
def serve(tmp_path):
    started = []

    def _serve(**extra):
        started.append(Served(tmp_path, **extra))
        return started[-1]

    yield _serve
    for s in started:
        s.stop()


def cookies(headers) -> dict[str, str]:
    return {c.split("=", 1)[0]: c for c in headers.get_all("Set-Cookie") or []}


def test_behind_a_tls_proxy_cookies_are_secure_and_browsers_are_told_to_stay_on_https(serve):
    server = serve(LAWTRAIL_HTTPS="true", LAWTRAIL_SECRET_KEY=strong_key())
    status, headers = server.get("/login/", **{"X-Forwarded-Proto": "https"})
    assert status == 200
    assert "; Secure" in cookies(headers)["csrftoken"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    # A request the proxy says came over plain HTTP is sent to https:// — the same host and page.
    status, headers = server.get("/login/?next=/cases/", **{"X-Forwarded-Proto": "http"})
    assert status == 301 and headers["Location"] == f"https://127.0.0.1:{server.port}/login/?next=/cases/"


def test_without_https_mode_plain_http_on_127_0_0_1_keeps_working(serve):
    server = serve()
    status, headers = server.get("/login/")
    assert status == 200
    assert "Secure" not in cookies(headers)["csrftoken"] and "Strict-Transport-Security" not in headers
    # A client cannot switch the mode on by claiming https itself.
    status, headers = server.get("/login/", **{"X-Forwarded-Proto": "https"})
    assert status == 200 and "Strict-Transport-Security" not in headers


def test_pages_and_error_pages_carry_the_content_security_policy(serve):
    server = serve()
    for path, expected in [("/login/", 200), ("/no-such-page/", 404)]:
        status, headers = server.get(path)
        assert status == expected, path
        policy = dict(d.strip().split(" ", 1) for d in headers["Content-Security-Policy"].split(";"))
        assert policy == {"default-src": "'self'", "img-src": "'self' data:", "object-src": "'none'",
                          "frame-ancestors": "'none'", "base-uri": "'self'", "form-action": "'self'"}, path
