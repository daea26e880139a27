"""A bounded schemathesis pass against a live ``lawtrail serve`` with the demo's data (issue #15,
"Fuzzing in CI"): requests generated from the API's own OpenAPI document, valid and invalid, sent
with an officer's token, and the same operations aimed at his bureau's cases, documents, complaints,
AV records and uploads with another bureau's officer's token. It fails on any 5xx, any answer
the document does not describe (status, content type, body), any invalid request accepted, and any
2xx the other bureau's officer gets.

Bounded: EXAMPLES requests per operation and pass, derandomized (the same requests on every run, so
CI does not flake), no shrinking (a failure is recorded and the pass goes on)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, negative_data_rejection,
                                               response_schema_conformance, status_code_conformance)

from tests.conftest import lawtrail

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("LAWTRAIL_FUZZ_EXAMPLES", "20"))  # per operation in the open pass; half in the others
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          negative_data_rejection]

# What broke the API before (issue #15), put into every text and number of otherwise valid requests:
# NUL and other controls (a 500 on PostgreSQL), FTS5 syntax (a 500 in MATCH), direction overrides,
# half a UTF-16 pair, LIKE wildcards; ids past 64 bits, negative, beyond JSON's exact integers, floats.
HOSTILE_TEXT = ["\x00", "星海\x00文化", "\x1b[31m", "\u202e名称", "\ud800", '"星海 OR', "NEAR(星海 文化)*", "%_\\",
                "' OR '1'='1", "\r\n", "　"]
HOSTILE_NUMBERS = [2 ** 63, 2 ** 64, -1, 0, 2 ** 53 + 1, 1.5, 1e308]


def hostile(case, text: str, number):
    """``case`` with every text and number of its query and JSON body replaced (half a UTF-16 pair
    only in JSON, which can escape it: a URL carries UTF-8, which cannot)."""
    for values, in_url in ((case.query, True), (case.body if isinstance(case.body, dict) else None, False)):
        for name, value in list((values or {}).items()):
            if isinstance(value, str):
                values[name] = "\ufffd\x00" if in_url and "\ud800" in text else text
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                values[name] = number
    return case


# The other bureau's officer may see only errors on this bureau's objects: these, and what they are.
OBJECTS = """
import json
from lawtrail.cases.models import Case, Complaint
from lawtrail.media.models import AvRecord
from lawtrail.records.models import Document
av = AvRecord.objects.filter(case__bureau__code="wenlv", case__documents__isnull=False).order_by("id").first()
doc = Document.objects.filter(case=av.case).order_by("id").first()
print(json.dumps({"case_id": av.case_id, "document_id": doc.pk, "record_id": av.pk,
                  "complaint_id": Complaint.objects.filter(bureau__code="wenlv").order_by("id").first().pk}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _token(env, username: str) -> str:
    out = lawtrail(env, "token", "create", username, "--name", "模糊测试")
    assert out.returncode == 0, out.stderr
    return next(line for line in out.stdout.splitlines() if line.startswith("lt_"))


@pytest.fixture
def server(own_database, tmp_path):
    """``lawtrail serve`` on a free port over a migrated database with the demo's two bureaus."""
    env = own_database
    for step in (("migrate", "--noinput", "-v0"), ("demo",)):
        out = lawtrail(env, *step)
        assert out.returncode == 0, out.stderr
    port = _free_port()
    log = open(tmp_path / "serve.log", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "lawtrail.cli", "serve", "--port", str(port), "--no-worker"],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests.get(f"{base}/api/v1/cases", timeout=5)
                break
            except requests.ConnectionError:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                time.sleep(0.2)
        yield env, base, log
        ticks = open(f"/proc/{proc.pid}/stat").read().rsplit(")", 1)[1].split()[11:13]  # utime, stime
        print(f"lawtrail serve: {sum(map(int, ticks)) / os.sysconf('SC_CLK_TCK'):.0f} s of CPU")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


class Tally:
    """What the pass sent and found, per operation; failures are kept, not raised, so hypothesis
    neither shrinks nor stops (the pass stays bounded and reports every broken operation)."""

    def __init__(self):
        self.sent = 0
        self.statuses: Counter = Counter()
        self.failures: dict[str, list[str]] = {}

    def fail(self, where: str, message: str) -> None:
        found = self.failures.setdefault(where, [])
        if len(found) < 3:
            found.append(message[:1500])

    def report(self) -> str:
        lines = [f"{self.sent} requests; statuses {dict(sorted(self.statuses.items()))}"]
        for where, messages in sorted(self.failures.items()):
            lines += [f"== {where}", *messages]
        return "\n".join(lines)


def _run(tally: Tally, label: str, operation, strategy, *, base: str, token: str, check, examples: int) -> None:
    session = requests.Session()

    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def one(case):
        try:
            response = case.call(base_url=base, session=session, headers={"Authorization": f"Bearer {token}"},
                                 timeout=60)
        except requests.RequestException as e:
            tally.fail(f"{label} {operation.label}", f"no answer: {e!r}")
            return
        tally.sent += 1
        tally.statuses[response.status_code] += 1
        try:
            check(case, response)
        except (Exception, BaseExceptionGroup) as e:  # schemathesis' FailureGroup is a BaseExceptionGroup
            tally.fail(f"{label} {operation.label}", f"{e}")

    one()


def test_generated_requests_get_no_server_error_no_answer_outside_the_document_and_nothing_of_another_bureau(
        server):
    env, base, log = server
    officer, foreign = _token(env, "wl.zhang"), _token(env, "sf.ma")
    out = lawtrail(env, "shell", "-c", OBJECTS)
    assert out.returncode == 0, out.stderr
    objects = json.loads(out.stdout.strip().splitlines()[-1])
    r = requests.post(f"{base}/api/v1/cases/{objects['case_id']}/media/uploads", json={"filename": "a.jpg", "size": 9},
                      headers={"Authorization": f"Bearer {officer}"}, timeout=60)
    assert r.status_code == 201, r.text
    objects["upload_id"] = r.json()["id"]

    raw = requests.get(f"{base}/api/v1/openapi.json", headers={"Authorization": f"Bearer {officer}"}, timeout=60)
    assert raw.status_code == 200, raw.text
    schema = schemathesis.openapi.from_dict(raw.json())
    tally = Tally()

    def answers(case, response):
        case.validate_response(response, checks=CHECKS)

    def conforms(case, response):
        answers(case, response)
        # A read with parameters the document allows has nothing left to refuse (writes do: the
        # actions judge what is sent, with 422).
        if case.method == "GET" and case.meta.generation.mode.is_positive:
            assert response.status_code not in (400, 422), (
                f"a valid read was refused: GET {case.formatted_path} {case.query} → {response.text[:300]}")

    def refused(case, response):
        assert not 200 <= response.status_code < 300, (
            f"another bureau's officer got {response.status_code} on {case.method} {case.formatted_path}: "
            f"{response.text[:300]}")
        case.validate_response(response, checks=[not_a_server_error])

    started = time.monotonic()
    for result in schema.get_all_operations():
        op = result.ok()
        names = {p.name for p in op.path_parameters}
        ours = {k: v for k, v in objects.items() if k in names}
        anything = st.one_of(op.as_strategy(GenerationMode.POSITIVE), op.as_strategy(GenerationMode.NEGATIVE))
        _run(tally, "本局·任意", op, anything, base=base, token=officer, check=conforms, examples=EXAMPLES)
        real = op.as_strategy(GenerationMode.POSITIVE, path_parameters=ours)
        spoiled = st.builds(hostile, real, st.sampled_from(HOSTILE_TEXT), st.sampled_from(HOSTILE_NUMBERS))
        _run(tally, "本局·恶意输入", op, spoiled, base=base, token=officer, check=answers, examples=EXAMPLES // 2)
        if ours:
            _run(tally, "本局·真实对象", op, real, base=base, token=officer, check=conforms, examples=EXAMPLES // 2)
            _run(tally, "他局", op, real, base=base, token=foreign, check=refused, examples=EXAMPLES // 2)

    log.flush()
    print(f"{tally.report()} in {time.monotonic() - started:.0f} s")  # the figures, with -s and in CI logs
    server_log = open(log.name).read()
    assert not tally.failures, tally.report() + "\n\n== server log (tail)\n" + server_log[-6000:]
    assert tally.statuses[500] == 0 and tally.sent >= EXAMPLES * 30
