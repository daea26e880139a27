"""Every ledger entry belongs to one bureau or to the installation, inside its hashed body, and the
indexed column that scopes each bureau's audit trail says the same (issue #15)."""

import json
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client

from lawtrail.access.models import Bureau, Staff
from lawtrail.cases.models import Case, Complaint, Party
from lawtrail.ledger import attribution, store, verify
from lawtrail.ledger.models import Entry
from lawtrail.media import jobs as media_jobs
from lawtrail.media.models import Device
from lawtrail.rules import jobs as rules_jobs
from lawtrail.rules.actions import set_calendar_override
from tests.factories import PASSWORD, Org

from .helpers import drop_triggers, sql

pytestmark = pytest.mark.django_db


def _bureau_of_person(user_id: int):
    return Staff.objects.filter(pk=user_id).values_list("bureau_id", flat=True).first()


def expected_bureau(action: str, actor: str, subject: str):
    """What a reader of the entry expects, worked out from the rows themselves (not by
    ledger/attribution.py): a bureau's thing is that bureau's; calendars, digests and a bureau's
    creation are the installation's; a stored object is its uploader's bureau's."""
    kind, _, ref = subject.partition(":")
    if kind == "case":
        return Case.objects.get(pk=ref).bureau_id
    if kind == "complaint":
        return Complaint.objects.get(pk=ref).bureau_id
    if kind == "party":
        return Party.objects.get(pk=ref).bureau_id
    if kind == "device":
        return Device.objects.get(pk=ref).bureau_id
    if kind == "bureau":
        return None if action == "access.bureau_created" else Bureau.objects.get(pk=ref).pk
    if kind in ("user", "staff"):
        return _bureau_of_person(int(ref))
    if kind == "username":
        return Staff.objects.filter(user__username=ref).values_list("bureau_id", flat=True).first()
    if kind in ("calendar", "digest"):
        return None
    if kind == "blob":
        return _bureau_of_person(int(actor[5:])) if actor.startswith("user:") else None
    raise AssertionError(f"a subject kind nobody decided the bureau of: {subject} ({action})")


def test_every_entry_of_the_demo_and_a_day_of_use_belongs_to_its_subjects_bureau(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LAWTRAIL_DIGEST_HOUR = 0  # the daily digest goes out in this round too
    call_command("demo")
    media_jobs.run_pending()  # playback copies, made by the worker (a system actor)
    rules_jobs.run_round()    # reminders and the digest
    set_calendar_override(by=Staff.objects.get(user__username="wl.admin"), day=date(2026, 10, 10), is_workday=True,
                          reason="国务院办公厅节假日安排：调休上班")  # the installation's calendar, set by a bureau's admin
    client = Client()
    for username in ("wl.zhang", "sf.ma", "sys.auditor"):
        client.post("/login/", {"username": username, "password": "wrong password"})
    other = Org.build(code="jinpu", abbr="金普测试")
    client.post("/login/", {"username": other.zhang.user.username, "password": PASSWORD})
    client.post("/logout/")
    client.post("/login/", {"username": "nobody-at-all", "password": "x"})

    seen = {}
    for seq, body, bureau in Entry.objects.order_by("seq").values_list("seq", "body", "bureau"):
        fields = json.loads(body)
        want = expected_bureau(fields["action"], fields["actor"], fields["subject"])
        assert fields["bureau"] == bureau == want, (seq, fields["action"], fields["subject"], bureau, want)
        seen.setdefault(fields["subject"].partition(":")[0], set()).add(bureau is None)
    # the story reached both kinds of entry and every kind of subject the demo writes
    assert {"case", "complaint", "party", "device", "bureau", "user", "username", "calendar", "digest",
            "blob"} <= set(seen), sorted(seen)
    assert seen["case"] == {False} and seen["calendar"] == {True}
    assert Entry.objects.filter(bureau__isnull=True).exists()
    assert Entry.objects.values("bureau").distinct().count() >= 3  # 文旅局, 司法局 and the installation
    assert verify.run().ok


def test_someone_of_another_bureau_acting_on_a_case_writes_an_entry_of_the_cases_bureau():
    org, other = Org.build(), Org.build(code="sifa", abbr="金普司法", profile="004")
    case = org.case()
    a = store.append(actor=f"user:{other.supervisor.pk}", action="records.document_downloaded",
                     subject=f"case:{case.pk}", payload={"document": 1})
    assert Entry.objects.get(seq=a.seq).bureau == org.bureau.pk
    assert json.loads(Entry.objects.get(seq=a.seq).body)["bureau"] == org.bureau.pk


def test_an_entry_about_a_stored_object_belongs_to_the_acting_persons_bureau_and_a_system_jobs_to_none():
    org = Org.build()
    by_person = store.append(actor=f"user:{org.zhang.pk}", action="media.object_stored", subject="blob:" + "0" * 64)
    by_system = store.append(actor="system:media-worker", action="media.derivative_made", subject="blob:" + "0" * 64)
    assert Entry.objects.get(seq=by_person.seq).bureau == org.bureau.pk
    assert Entry.objects.get(seq=by_system.seq).bureau is None


def test_a_bureau_given_by_the_writer_wins_over_the_derived_one():
    org = Org.build()
    a = store.append(actor="system", action="ledger.test_entry", subject=f"case:{org.case().pk}", bureau=None)
    b = store.append(actor="system", action="ledger.test_entry", subject="calendar:2026", bureau=org.bureau.pk)
    assert Entry.objects.get(seq=a.seq).bureau is None and Entry.objects.get(seq=b.seq).bureau == org.bureau.pk


def test_a_bureaus_creation_is_an_entry_of_the_installation():
    org = Org.build()
    created = Entry.objects.get(body__contains='"access.bureau_created"', subject=f"bureau:{org.bureau.pk}")
    assert created.bureau is None and json.loads(created.body)["bureau"] is None


def test_a_bulk_append_derives_each_entrys_bureau_with_one_query_per_kind_of_subject():
    org, other = Org.build(), Org.build(code="sifa", abbr="金普司法", profile="004")
    cases = [org.case(), other.case(), org.case()]
    items = [{"actor": "system:reminders", "action": "rules.reminders_sent", "subject": f"case:{c.pk}"} for c in cases]
    items.append({"actor": "system:reminders", "action": "rules.digest_sent", "subject": "digest:2026-01-01"})
    before = store.STATEMENTS.n
    assert attribution.derive([(i["actor"], i["subject"]) for i in items], "default") == [
        org.bureau.pk, other.bureau.pk, org.bureau.pk, None]
    assert store.STATEMENTS.n - before == 1, "the three cases' bureaus in one query, the digest's in none"
    appended = store.append_many(items)
    assert [Entry.objects.get(seq=a.seq).bureau for a in appended] == [org.bureau.pk, other.bureau.pk,
                                                                        org.bureau.pk, None]


def test_an_entry_moved_into_another_bureaus_audit_trail_is_named_by_verify():
    org, other = Org.build(), Org.build(code="sifa", abbr="金普司法", profile="004")
    case = org.case()
    seq = Entry.objects.filter(subject=f"case:{case.pk}").values_list("seq", flat=True).first()
    drop_triggers()
    sql("UPDATE ledger_entry SET bureau = %s WHERE seq = %s", [other.bureau.pk, seq])
    report = verify.run()
    assert {(p.kind, p.seq) for p in report.problems} == {("bureau_mismatch", seq)}
    assert "所属机关" in report.problems[0].message


def test_an_entry_hidden_from_its_bureaus_auditor_by_clearing_its_column_is_named_by_verify():
    org = Org.build()
    seq = Entry.objects.filter(subject=f"case:{org.case().pk}").values_list("seq", flat=True).first()
    drop_triggers()
    sql("UPDATE ledger_entry SET bureau = NULL WHERE seq = %s", [seq])
    assert {(p.kind, p.seq) for p in verify.run().problems} == {("bureau_mismatch", seq)}
