"""The server killed (SIGKILL) in the middle of an upload: after the restart there is no visible
record and no orphan object, the staged bytes count only as far as they were acknowledged, and the
client can resume where the server stands — or start again — and complete (issue 5, "Bad input").

A real ``lawtrail serve`` (waitress) in a child process, on the suite's kind of database
(``own_database``), driven over HTTP like a docking station would; what the crash left is read
directly from the database and the data dir while no server runs."""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import http.client
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import lawtrail
from tests.media.samples import CREATION_UTC, write_jpeg, write_video

pytestmark = pytest.mark.slow

START_TIMEOUT = 60  # a loaded 2-core machine: Django's start alone can take seconds
REQUEST_TIMEOUT = 60

# Migrate, seed a bureau with its personas and a case: one process, one Django start. The personas'
# passwords are hashed with MD5 as in the suite (PBKDF2 would take seconds and is not tested here).
SETUP = """
import json, django
django.setup()
from django.conf import settings
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
from django.core.management import call_command
call_command("migrate", verbosity=0)
from tests.factories import Org
org = Org.build()
print(json.dumps({"case": org.case().pk, "username": org.zhang.user.username}))
"""


# --- the world outside the server ----------------------------------------------------------------

@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> bytes:
    """A valid H.264 + AAC clip of about 1.5 MB: a chunk of it crosses the socket in many writes."""
    path = write_video(tmp_path_factory.mktemp("crash") / "clip.mp4", seconds=6, size=(640, 480),
                       metadata={"creation_time": CREATION_UTC})
    data = path.read_bytes()
    assert len(data) > 600_000, len(data)
    return data


@pytest.fixture
def world(own_database, tmp_path):
    env = own_database
    run = subprocess.run([sys.executable, "-c", SETUP], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    seeded = json.loads(run.stdout.strip().splitlines()[-1])
    # an API token for 张伟, the case's officer, as an administrator would issue it for his docking station
    token = lawtrail(env, "token", "create", seeded["username"], "--name", "执法记录仪采集站 01")
    assert token.returncode == 0, token.stderr
    server = Server(env, tmp_path / "serve.log")
    try:
        yield World(env=env, case=seeded["case"], token=token.stdout.strip(), server=server)
    finally:
        server.kill()


def _die_with_parent() -> None:
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``lawtrail serve --no-worker`` in a child process; ``kill`` is SIGKILL — no cleanup runs."""

    def __init__(self, env: dict, log: Path):
        self.env, self.log, self.proc, self.port = env, log, None, None

    def start(self) -> None:
        assert self.proc is None
        for _attempt in range(3):  # a port taken between choosing it and binding it: another port
            self.port = _free_port()
            with open(self.log, "ab") as log:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "lawtrail.cli", "serve", "--port", str(self.port), "--no-worker"],
                    env=self.env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    preexec_fn=_die_with_parent)
            if self._wait_ready():
                return
            self.kill()
        pytest.fail(f"lawtrail serve 未能启动：\n{self.log_tail()}", pytrace=False)

    def _wait_ready(self) -> bool:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                c.request("GET", "/api/v1/media/uploads/00000000-0000-0000-0000-000000000000")
                c.getresponse().read()  # any answer (401) means waitress and Django are up
                c.close()
                return True
            except OSError:
                time.sleep(0.1)
        return False

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""

    def kill(self) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
            self.proc = None


class World:
    def __init__(self, *, env, case, token, server):
        self.env, self.case, self.token, self.server = env, case, token, server
        self.media = Path(env["LAWTRAIL_DATA_DIR"]) / "media"

    # -- HTTP, as a client would speak it ----------------------------------------------------------

    def call(self, method: str, path: str, body: bytes | dict | None = None, *,
             content_type: str = "application/json") -> tuple[int, object]:
        if isinstance(body, dict):
            body = json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.token}"}
        if body is not None:
            headers |= {"Content-Type": content_type, "Content-Length": str(len(body))}
        c = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=REQUEST_TIMEOUT)
        try:
            c.request(method, path, body=body, headers=headers)
            r = c.getresponse()
            raw = r.read()
        finally:
            c.close()
        try:
            return r.status, json.loads(raw or b"null")
        except ValueError:  # an HTML error page (500): show it with the end of the server's log
            return r.status, {"answer": raw[:1000].decode(errors="replace"), "serve.log": self.server.log_tail()}

    def start_upload(self, data: bytes, filename: str = "clip.mp4") -> str:
        status, out = self.call("POST", f"/api/v1/cases/{self.case}/media/uploads",
                                {"filename": filename, "size": len(data)})
        assert status == 201, out
        assert out["received"] == 0
        return out["id"]

    def put(self, upload: str, offset: int, chunk: bytes) -> int:
        status, out = self.call("PUT", f"/api/v1/media/uploads/{upload}?offset={offset}", chunk,
                                content_type="application/octet-stream")
        assert status == 200, out
        return out["received"]

    def received(self, upload: str) -> int:
        status, out = self.call("GET", f"/api/v1/media/uploads/{upload}")
        assert status == 200, out
        assert out["record"] is None
        return out["received"]

    def complete(self, upload: str) -> dict:
        status, out = self.call("POST", f"/api/v1/media/uploads/{upload}/complete",
                                {"source": "body_camera", "place": "星海广场"})
        assert status == 200, out
        return out

    def visible_records(self) -> list:
        status, out = self.call("GET", f"/api/v1/cases/{self.case}/media")
        assert status == 200, out
        return out

    def kill_while_a_chunk_arrives(self, upload: str, offset: int, chunk: bytes) -> None:
        """Send the chunk's headers and about half its body in small writes, then SIGKILL the
        server while it waits for the rest; the client must get no acknowledgement."""
        head = (f"PUT /api/v1/media/uploads/{upload}?offset={offset} HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{self.server.port}\r\nAuthorization: Bearer {self.token}\r\n"
                f"Content-Type: application/octet-stream\r\nContent-Length: {len(chunk)}\r\n\r\n").encode()
        sent, piece = 0, 32 * 1024
        with socket.create_connection(("127.0.0.1", self.server.port), timeout=REQUEST_TIMEOUT) as s:
            s.sendall(head)
            while sent < len(chunk) // 2:
                s.sendall(chunk[sent:sent + piece])
                sent += piece
                time.sleep(0.005)
            time.sleep(0.3)  # let the server take in what was sent: it is now reading the body
            assert self.server.proc.poll() is None
            self.server.kill()
            try:
                answer = s.recv(4096)
            except ConnectionResetError:
                answer = b""
            assert answer == b"", f"a half-sent chunk was answered: {answer[:200]!r}"

    # -- what the crash left, read with no server running -------------------------------------------

    def rows(self) -> dict:
        """AvRecord and Blob counts and every upload's (received, record_id), straight from the
        database the server used."""
        queries = {"records": "SELECT COUNT(*) FROM media_avrecord", "blobs": "SELECT COUNT(*) FROM media_blob",
                   "uploads": "SELECT id, received, record_id FROM media_upload"}
        url = self.env.get("LAWTRAIL_DATABASE_URL")
        if url:
            import psycopg

            conn = psycopg.connect(url)
        else:
            conn = sqlite3.connect(Path(self.env["LAWTRAIL_DATA_DIR"]) / "lawtrail.sqlite3")
        try:
            cur = conn.cursor()
            out = {}
            for key, sql in queries.items():
                cur.execute(sql)
                out[key] = cur.fetchall()
        finally:
            conn.close()
        return {"records": out["records"][0][0], "blobs": out["blobs"][0][0],
                "uploads": {str(uuid.UUID(str(i))): (received, record) for i, received, record in out["uploads"]}}

    def objects(self) -> list[Path]:
        """Every file under the store's objects/ — a stray ``.part`` in .incoming/ is an orphan too —
        except the uploads' staging files (``<upload id>.part`` in an ``uploads`` folder, which
        the filesystem store may keep inside objects/.incoming/ so that storing is a link)."""
        root = self.media / "objects"
        return sorted(p for p in root.rglob("*") if p.is_file() and not _is_staging(p)) if root.exists() else []

    def staged(self, upload: str) -> Path:
        """The upload's staging file, wherever the store keeps it (media/uploads/ or inside
        objects/.incoming/)."""
        found = [p for p in self.media.rglob(f"{upload}.part") if p.parent.name == "uploads"]
        assert len(found) <= 1, found
        return found[0] if found else self.media / "uploads" / f"{upload}.part"

    def assert_nothing_stored(self) -> None:
        rows = self.rows()
        assert rows["records"] == 0 and rows["blobs"] == 0, rows
        assert all(record is None for _, record in rows["uploads"].values()), rows
        assert self.objects() == [], "an object was stored for an upload that was never completed"

    def assert_stored_once(self, *completed: tuple[bytes, dict]) -> None:
        """Each completed file is one record and one object (plus its poster frame or thumbnail);
        nothing else is stored, nothing is left in .incoming/, and verify finds all in order."""
        files = self.objects()
        assert not [p for p in files if ".incoming" in p.parts], files
        for data, record in completed:
            sha256 = hashlib.sha256(data).hexdigest()
            assert record["sha256"] == sha256 and record["size"] == len(data)
            originals = [p for p in files if p.name == sha256]
            assert len(originals) == 1 and hashlib.sha256(originals[0].read_bytes()).hexdigest() == sha256
        assert len(files) == 2 * len(completed), f"each original and its picture, nothing else: {files}"
        rows = self.rows()
        assert rows["records"] == len(completed) and rows["blobs"] == 2 * len(completed), rows
        assert sorted(r["id"] for r in self.visible_records()) == sorted(record["id"] for _, record in completed)
        run = lawtrail(self.env, "verify", "--json")
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
        assert json.loads(run.stdout)["ok"]


def _is_staging(p: Path) -> bool:
    if p.parent.name != "uploads" or p.suffix != ".part":
        return False
    try:
        uuid.UUID(p.stem)
    except ValueError:
        return False
    return True


def _assert_staged(world: World, upload: str, data: bytes, acknowledged: int) -> None:
    """The staged file holds the acknowledged bytes, at most followed by a tail that the saved
    offset does not count — and the database counts exactly the acknowledged bytes."""
    received, record = world.rows()["uploads"][upload]
    assert (received, record) == (acknowledged, None)
    staged = world.staged(upload).read_bytes()
    assert len(staged) >= acknowledged and staged[:acknowledged] == data[:acknowledged]
    assert len(staged) <= len(data) and staged == data[:len(staged)], "no byte that the client did not send"


# --- the tests ------------------------------------------------------------------------------------

def test_killed_while_a_chunk_arrives_the_client_resumes_from_the_acknowledged_offset(world, clip):
    world.server.start()
    upload = world.start_upload(clip)
    first = len(clip) // 3
    assert world.put(upload, 0, clip[:first]) == first

    world.kill_while_a_chunk_arrives(upload, first, clip[first:])

    world.assert_nothing_stored()
    _assert_staged(world, upload, clip, first)

    world.server.start()
    assert world.visible_records() == []
    assert world.received(upload) == first
    assert world.put(upload, first, clip[first:]) == len(clip)
    record = world.complete(upload)
    assert record["kind"] == "video" and world.rows()["uploads"][upload][1] == record["id"]
    assert not world.staged(upload).exists()
    world.assert_stored_once((clip, record))


def test_killed_before_complete_one_upload_completes_after_restart_and_another_starts_again(world, clip,
                                                                                              tmp_path):
    """Two stations at the crash: one had sent its whole clip but not yet completed it; the other
    was half-way through a photo, lost its upload id and starts that photo again from scratch."""
    photo = write_jpeg(tmp_path / "photo.jpg").read_bytes()
    world.server.start()
    upload = world.start_upload(clip)
    half = len(clip) // 2
    assert world.put(upload, 0, clip[:half]) == half
    assert world.put(upload, half, clip[half:]) == len(clip)
    abandoned = world.start_upload(photo, "photo.jpg")
    assert world.put(abandoned, 0, photo[:len(photo) // 2]) == len(photo) // 2

    world.server.kill()

    world.assert_nothing_stored()
    _assert_staged(world, upload, clip, len(clip))
    _assert_staged(world, abandoned, photo, len(photo) // 2)

    world.server.start()
    assert world.visible_records() == []
    assert world.received(upload) == len(clip)
    video = world.complete(upload)  # the hash state died with the server: the staged bytes are hashed again
    again = world.start_upload(photo, "photo.jpg")
    assert world.put(again, 0, photo) == len(photo)
    picture = world.complete(again)
    assert (video["kind"], picture["kind"]) == ("video", "photo")
    world.assert_stored_once((clip, video), (photo, picture))
    uploads = world.rows()["uploads"]
    assert uploads[abandoned] == (len(photo) // 2, None), "the abandoned upload names no record"
    assert uploads[upload][1] == video["id"] and uploads[again][1] == picture["id"]
    assert not world.staged(upload).exists() and not world.staged(again).exists()
