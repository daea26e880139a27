"""waitress, with large upload bodies streamed to the application as they arrive.

waitress reads a request's whole body before it calls the application — past ``inbuf_overflow``
into a temporary file —, so an upload's 64 MiB chunk was written to /tmp, read back, and only
then written and hashed: nothing overlapped its arrival, and the server copied every byte twice
more than needed (``bench/media_bench.py``). Here a ``PUT`` whose body is at least ``STREAM_MIN``
goes to a worker thread as soon as its headers are in, and its ``wsgi.input`` reads the socket
itself, straight into the application's buffer (``media.actions.append_chunk``: written, SHA-256'd
and handed to SM3 while the next bytes arrive).

What stays as waitress does it, and why:

* At most ``slots`` bodies stream at once (``serve`` gives half its threads): a streaming body
  holds its thread for as long as the client takes to send it, so slow links cannot take every
  thread; past that, bodies are buffered as before — pages never wait for uploads.
* Not streamed: ``Transfer-Encoding: chunked`` and ``Expect: 100-continue`` bodies, other
  methods, and a body already received whole with its headers.
* The client must keep sending: each wait for more bytes is bounded by ``channel_timeout``; then
  the read ends short (an upload refuses the incomplete chunk) and the connection is closed.
* What the application leaves unread (an answer before the body: 401, a wrong offset) is read
  and thrown away after it answered, up to the declared length — the client sends its whole
  body before it reads the answer, as with buffering; if that fails the connection is closed.
* ``max_request_body_size`` and every other limit apply as before: they are checked on the
  headers, before a body streams.
"""

from __future__ import annotations

import ctypes
import logging
import select
import threading

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer, create_server
from waitress.task import WSGITask

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter (malloc.h)
STREAM_MIN = 1 << 20  # below this a body costs waitress little to buffer (in memory up to inbuf_overflow)


def serve(application, *, slots: int, **adjustments) -> None:
    """``waitress.serve`` with bodies streamed (at most ``slots`` at once) as described above."""
    logging.basicConfig()
    _return_large_buffers()
    make_server(application, slots=slots, **adjustments).run()


def _return_large_buffers() -> None:
    """Have glibc give buffers of 1 MiB or more back to the system when they are freed. By default
    it raises that threshold as big buffers come and go, and then keeps them, a few per thread: the
    uploads' 4 MiB blocks, passing through every request thread, left the server ~20 MB larger
    (bench/media_bench.py's peak RSS) for no saving in CPU that the benchmark could see."""
    try:
        ctypes.CDLL(None).mallopt(M_MMAP_THRESHOLD, 1 << 20)
    except (OSError, AttributeError):  # not glibc: its own allocator's defaults
        pass


def make_server(application, *, slots: int, **adjustments):
    """``waitress.create_server`` (listening, not yet running) whose channels stream bodies."""
    listeners: dict = {}
    server = create_server(application, map=listeners, **adjustments)
    slot = threading.BoundedSemaphore(slots)  # 0: every body buffered
    for s in list(listeners.values()):
        if isinstance(s, BaseWSGIServer):
            s.channel_class = StreamingChannel
            s.stream_slots = slot
    return server


def body_readinto(request):
    """``readinto`` of the request's streamed body — bytes straight from the socket into the
    caller's buffer —, or None when waitress buffered the body (or another server runs the app)."""
    body = request.META.get("wsgi.input")
    return body.readinto if isinstance(body, StreamedBody) else None


class StreamedBody:
    """A request body read from the socket by the thread that serves the request: ``head`` (what
    came in with the headers) and then ``length - len(head)`` more bytes. Also waitress's body
    buffer as far as the parser and the task use one (``getfile``, ``getbuf``, ``close``)."""

    def __init__(self, channel: HTTPChannel, head: bytes, length: int, slot: threading.BoundedSemaphore):
        self._sock, self._timeout = channel.socket, channel.adj.channel_timeout
        self._head = memoryview(head)
        self._left = length  # bytes of the body not yet handed out
        self._slot = slot
        self.broken = False  # the client stopped sending before the declared length

    def readinto(self, b) -> int:
        """Fill ``b`` (up to what is left of the body) straight from the socket; fewer bytes only
        if the client stopped sending."""
        view = memoryview(b).cast("B")
        want = min(view.nbytes, self._left)
        got = min(want, len(self._head))
        view[:got] = self._head[:got]
        self._head = self._head[got:]
        while got < want and not self.broken:
            try:
                n = self._sock.recv_into(view[got:want])
            except (BlockingIOError, InterruptedError):
                self.broken = not self._wait()
                continue
            except OSError:
                n = 0
            self.broken = n == 0
            got += n
        self._left -= got
        return got

    def read(self, size: int | None = -1) -> bytes:
        buf = bytearray(self._left if size is None or size < 0 else min(size, self._left))
        del buf[self.readinto(buf):]
        return bytes(buf)

    def readline(self, size: int | None = -1) -> bytes:
        line = bytearray()
        while (size is None or size < 0 or len(line) < size) and (c := self.read(1)):
            line += c
            if c == b"\n":
                break
        return bytes(line)

    def finish(self) -> bool:
        """Read and drop what the application left unread; False if the client did not send it."""
        scratch = bytearray(min(self._left, STREAM_MIN))
        while self._left and not self.broken:
            self.readinto(scratch)
        return not self.broken

    def _wait(self) -> bool:
        poll = select.poll()
        poll.register(self._sock, select.POLLIN)
        return bool(poll.poll(self._timeout * 1000))

    # -- waitress's body-buffer interface --

    def getfile(self):
        return self

    def getbuf(self):
        return self

    def __len__(self) -> int:
        return self._left

    def __bool__(self) -> bool:
        return True

    def close(self) -> None:
        """Called once the request is done with, whether it was served or not: frees the slot."""
        slot, self._slot = self._slot, None
        if slot is not None:
            slot.release()


class StreamingParser(HTTPRequestParser):
    """Hands a qualifying body to ``StreamedBody`` once the headers are parsed, and reports the
    request complete then, so the channel starts its task at once."""

    def __init__(self, adj, channel: StreamingChannel):
        super().__init__(adj)
        self.channel = channel

    def received(self, data) -> int:
        in_headers = self.body_rcv is None and not self.completed
        n = super().received(data)
        if not (in_headers and self.headers_finished and not self.completed and self.command == "PUT"
                and not self.chunked and not self.expect_continue and self.content_length >= STREAM_MIN):
            return n
        head = data[n:]
        if len(head) >= self.content_length or not self.channel.server.stream_slots.acquire(blocking=False):
            return n  # all here already, or every slot taken: waitress buffers it
        self.body_rcv = StreamedBody(self.channel, bytes(head), self.content_length, self.channel.server.stream_slots)
        self.completed = True
        return len(data)


class StreamingTask(WSGITask):
    def service(self):
        body = self.request.body_rcv
        try:
            super().service()
        finally:
            if isinstance(body, StreamedBody) and not body.finish():
                self.close_on_finish = True  # the body's end is unknown: the connection cannot go on
                with self.channel.requests_lock:
                    self.channel.close_when_flushed = True


class StreamingChannel(HTTPChannel):
    task_class = StreamingTask

    def parser_class(self, adj):  # waitress calls self.parser_class(adj) for each new request
        return StreamingParser(adj, self)

    def readable(self):
        # The socket belongs to the task while a body streams (waitress reads no further while a
        # request is being served, unless channel_request_lookahead says otherwise: then too).
        return super().readable() and not any(isinstance(r.body_rcv, StreamedBody) for r in self.requests)
