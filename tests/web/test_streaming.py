"""Upload bodies streamed by ``lawtrail serve`` (web/streaming.py): a real waitress server on
loopback, in this process, in front of a small WSGI application that records what it was given."""

from __future__ import annotations

import hashlib
import http.client
import os
import socket
import threading
import time

import pytest

from lawtrail.web.streaming import make_server

MiB = 1 << 20
WAIT = 20  # seconds; generous for a loaded 2-core machine


class App:
    """Reads the body in 1 MiB pieces and answers its length and SHA-256 — or, for /refuse,
    answers 409 without reading a byte. ``called`` is set as soon as a request reaches it."""

    def __init__(self):
        self.called = threading.Semaphore(0)
        self.calls = 0
        self.read: list[int] = []

    def __call__(self, environ, start_response):
        self.calls += 1
        self.called.release()
        if environ["PATH_INFO"] == "/refuse":
            start_response("409 Conflict", [("Content-Type", "text/plain")])
            return [b"refused"]
        stream, left, h = environ["wsgi.input"], int(environ.get("CONTENT_LENGTH") or 0), hashlib.sha256()
        while left and (piece := stream.read(min(MiB, left))):
            h.update(piece)
            left -= len(piece)
        got = int(environ.get("CONTENT_LENGTH") or 0) - left
        self.read.append(got)
        start_response("200 OK" if not left else "400 Bad Request", [("Content-Type", "text/plain")])
        return [f"{got} {h.hexdigest()}".encode()]


@pytest.fixture
def serve():
    servers = []

    def start(app, *, slots: int = 1, threads: int = 2, channel_timeout: int = 120) -> int:
        server = make_server(app, slots=slots, host="127.0.0.1", port=0, threads=threads, recv_bytes=MiB,
                             channel_timeout=channel_timeout)
        threading.Thread(target=server.run, daemon=True).start()
        servers.append(server)
        return server.effective_port

    yield start
    for server in servers:
        server.task_dispatcher.shutdown(timeout=5)
        server.close()


def head(port: int, path: str, length: int) -> bytes:
    return (f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Length: {length}\r\n\r\n").encode()


def answer(sock: socket.socket) -> tuple[int, bytes]:
    r = http.client.HTTPResponse(sock)
    r.begin()
    return r.status, r.read()


def test_a_large_upload_body_reaches_the_application_while_it_is_still_arriving(serve):
    app = App()
    port = serve(app)
    body = os.urandom(8 * MiB)
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as s:
        s.sendall(head(port, "/chunk", len(body)) + body[:2 * MiB])
        assert app.called.acquire(timeout=WAIT), "the application was not called before the body was complete"
        s.sendall(body[2 * MiB:])
        assert answer(s) == (200, f"{len(body)} {hashlib.sha256(body).hexdigest()}".encode())


def test_an_answer_given_before_the_body_was_read_reaches_the_client_and_the_connection_goes_on(serve):
    app = App()
    port = serve(app)
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
    c.request("PUT", "/refuse", body=os.urandom(4 * MiB))
    r = c.getresponse()
    assert (r.status, r.read()) == (409, b"refused")
    body = os.urandom(3 * MiB)
    c.request("PUT", "/chunk", body=body)  # the same connection: the refused body was read past
    r = c.getresponse()
    assert (r.status, r.read()) == (200, f"{len(body)} {hashlib.sha256(body).hexdigest()}".encode())
    c.close()


def test_a_client_that_stops_sending_leaves_a_short_body_and_its_slot_free(serve):
    app = App()
    port = serve(app, slots=1)
    for _ in range(3):  # one slot: were it kept by a dead connection, the next body would be buffered
        with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as s:
            s.sendall(head(port, "/chunk", 4 * MiB) + os.urandom(MiB + MiB // 2))
            assert app.called.acquire(timeout=WAIT)
        deadline = time.monotonic() + WAIT
        while len(app.read) < app.calls and time.monotonic() < deadline:
            time.sleep(0.05)
        assert app.read[-1] == MiB + MiB // 2


def test_a_client_that_stalls_mid_body_is_cut_off_after_the_channel_timeout(serve):
    app = App()
    port = serve(app, channel_timeout=1)
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as s:
        s.sendall(head(port, "/chunk", 4 * MiB) + b"x" * (2 * MiB))
        t0 = time.monotonic()
        status, _ = answer(s)
        assert status == 400 and app.read == [2 * MiB]
        assert s.recv(1) == b"", "the connection is closed: where the body ends is unknown"
        assert time.monotonic() - t0 < WAIT


def test_past_its_slots_bodies_are_buffered_and_pages_answered_while_an_upload_streams(serve):
    app = App()
    port = serve(app, slots=1, threads=3)
    first = os.urandom(4 * MiB)
    with socket.create_connection(("127.0.0.1", port), timeout=WAIT) as streaming, \
            socket.create_connection(("127.0.0.1", port), timeout=WAIT) as buffered:
        streaming.sendall(head(port, "/chunk", len(first)) + first[:2 * MiB])
        assert app.called.acquire(timeout=WAIT)  # streaming: the slot is taken

        second = os.urandom(4 * MiB)
        buffered.sendall(head(port, "/chunk", len(second)) + second[:2 * MiB])
        assert not app.called.acquire(timeout=1), "a second body streamed past the only slot"
        buffered.sendall(second[2 * MiB:])
        assert answer(buffered) == (200, f"{len(second)} {hashlib.sha256(second).hexdigest()}".encode())

        page = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT)
        page.request("GET", "/refuse")
        assert page.getresponse().status == 409
        page.close()

        streaming.sendall(first[2 * MiB:])
        assert answer(streaming) == (200, f"{len(first)} {hashlib.sha256(first).hexdigest()}".encode())
