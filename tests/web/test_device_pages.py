"""The body-camera registry: the 专人 registers and assigns, a unit head his unit's cameras, an
officer sees his own; a camera's page shows its clips and the gaps between them (002 第十五条(五))."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lawtrail.media import actions
from lawtrail.media.models import Device
from tests.media.samples import samples, write_jpeg  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]


def test_the_custodian_registers_a_camera_and_it_is_in_the_ledger(org):
    page = org.client_for(org.records)
    r = page.post("/media/devices/", {"serial": "DSJ-001", "model": "DSJ-V9", "unit": org.team_a.pk,
                                      "assigned_to": org.zhang.pk})
    d = Device.objects.get(serial="DSJ-001")
    assert r.status_code == 302 and r.url == f"/media/devices/{d.pk}/"
    assert (d.assigned_to, d.unit, d.ledger_seq is not None) == (org.zhang, org.team_a, True)
    r = page.post("/media/devices/", {"serial": "DSJ-001"})
    assert r.status_code == 400 and "该设备编号已登记" in r.content.decode()
    r = page.post("/media/devices/", {"serial": "DSJ 002/../"})
    assert r.status_code == 400 and "设备编号只能含" in r.content.decode()


def test_who_sees_and_who_changes_which_cameras(org):
    a = actions.register_device(by=org.records, serial="A-1", unit=org.team_a, assigned_to=org.zhang)
    b = actions.register_device(by=org.records, serial="B-1", unit=org.team_b, assigned_to=org.liu)
    listed = {who: org.client_for(getattr(org, who)).get("/media/devices/").content.decode()
              for who in ("zhang", "head_a", "records", "auditor")}
    assert "A-1" in listed["zhang"] and "B-1" not in listed["zhang"]  # an officer: his own
    assert "A-1" in listed["head_a"] and "B-1" not in listed["head_a"]  # a unit head: his unit's
    assert "A-1" in listed["records"] and "B-1" in listed["records"]
    assert org.client_for(org.auditor).get("/media/devices/").status_code == 403
    assert org.client_for(org.head_a).get(f"/media/devices/{b.pk}/").status_code == 404
    r = org.client_for(org.head_a).post("/media/devices/", {"serial": "B-2", "unit": org.team_b.pk})
    assert r.status_code == 400 and not Device.objects.filter(serial="B-2").exists()  # not his unit to choose
    assert org.client_for(org.zhang).post(f"/media/devices/{a.pk}/", {"status": "retired"}).status_code == 403
    r = org.client_for(org.head_a).post(f"/media/devices/{a.pk}/", {"status": "repair", "unit": org.team_a.pk,
                                                                   "assigned_to": org.li.pk})
    a.refresh_from_db()
    assert r.status_code == 302 and (a.status, a.assigned_to) == ("repair", org.li)


def test_a_cameras_page_shows_its_clips_and_the_gap_between_them(org, tmp_path):
    cam = actions.register_device(by=org.records, serial="A-1", unit=org.team_a, assigned_to=org.zhang)
    case = org.case()
    start = timezone.localtime() - timedelta(hours=3)
    for i, minute in enumerate((0, 10)):  # two photos as clips of one instant each, 10 minutes apart
        when = start + timedelta(minutes=minute)
        actions.ingest_file(by=org.zhang, case=case, source=write_jpeg(
            tmp_path / f"c{i}.jpg", when=when.strftime("%Y:%m:%d %H:%M:%S"), offset="+08:00"),
            facts={"source": "body_camera", "device": cam})
    page = org.client_for(org.zhang).get(f"/media/devices/{cam.pk}/").content.decode()
    assert "中断 10 分" in page and "c0.jpg" in page and "c1.jpg" in page and case.number in page
