"""AV used as evidence (002 第十九条, media/evidence.py): the export answers with a ZIP holding the
originals byte for byte, a manifest of their hashes and ledger proofs that verify without the
database; it is one ledger entry and drafts the 视听资料证据说明, which the 002 rule wants finalised;
a bad request is refused field by field and leaves nothing behind."""

import hashlib
import io
import json
import zipfile

import pytest

from lawtrail.ledger import keys, proofs
from lawtrail.ledger.models import Entry
from lawtrail.media import actions as media
from lawtrail.media import ingest
from lawtrail.records.models import Document
from lawtrail.rules import facts as facts_mod
from lawtrail.rules import profiles
from tests.factories import Org
from tests.media.samples import local_media, samples, write_jpeg  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("local_media")]


@pytest.fixture
def org():
    return Org.build(code="fgj002", abbr="兴隆台发改", profile="002")


def photo(org, case, tmp_path, name):
    return media.ingest_file(by=org.zhang, source=write_jpeg(tmp_path / name), case=case, facts={"source": "camera"})


def test_the_export_holds_the_originals_their_hashes_and_proofs_and_drafts_the_statement(org, tmp_path):
    case = org.case()
    a, b = photo(org, case, tmp_path, "a.jpg"), photo(org, case, tmp_path, "b.jpg")
    client = org.client_for(org.zhang)
    assert f"/cases/{case.pk}/media/evidence/" in client.get(f"/cases/{case.pk}/media/").content.decode()
    r = client.post(f"/cases/{case.pk}/media/evidence/", {"records": [a.pk, b.pk], "medium": "disc",
                                                          "purpose": "证明当事人现场经营情况"})
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"
    body = b"".join(r.streaming_content)
    assert hashlib.sha256(body).hexdigest() == r["X-Package-SHA256"]
    z = zipfile.ZipFile(io.BytesIO(body))
    manifest = json.loads(z.read("manifest.json"))
    assert manifest["case"] == case.number and [x["id"] for x in manifest["records"]] == [a.pk, b.pk]
    trusted_keys = {v.name: v.pem() for v in keys.current().verifiers}  # as the court obtains them from the bureau
    for x in manifest["records"]:
        assert hashlib.sha256(z.read(x["file"])).hexdigest() == x["sha256"]
        for part in ("record", "original"):
            assert proofs.check(json.loads(z.read(f"proofs/{x['id']}-{part}.json")), trusted_keys)[0]
    entry = [e for e in Entry.objects.filter(subject=f"case:{case.pk}") if e.action == "media.evidence_exported"]
    assert len(entry) == 1 and entry[0].payload["package_sha256"] == r["X-Package-SHA256"]
    statement = Document.objects.get(case=case, kind="av_evidence_statement")
    assert r["X-Package-SHA256"] in statement.draft and a.blob.sha256 in statement.draft
    rule = profiles.get("002").rule("av-evidence-statement")
    assert rule.evaluate(facts_mod.load(case)).status == "pending"  # a draft to finalise
    # Closed last: closing a response ends the request, and Django then closes the database connection.
    r.close()
    assert not list(ingest.staging_dir().glob("*.zip.part"))  # streamed, then removed


def test_a_bad_export_is_refused_next_to_its_fields_and_leaves_nothing(org, tmp_path):
    case = org.case()
    photo(org, case, tmp_path, "a.jpg")
    other = photo(org, org.case(), tmp_path, "other.jpg")
    r = org.client_for(org.zhang).post(f"/cases/{case.pk}/media/evidence/",
                                       {"records": [other.pk], "medium": "floppy", "purpose": ""})
    html = r.content.decode()
    assert r.status_code == 400 and "选择一个有效的选项" in html and "这个字段是必填项" in html
    assert not Document.objects.filter(kind="av_evidence_statement").exists()
    assert not list(ingest.staging_dir().glob("*.zip.part"))
    assert org.client_for(org.supervisor).get(f"/cases/{case.pk}/media/evidence/").status_code == 403


def test_a_case_without_an_export_is_not_concerned(org):
    rule = profiles.get("002").rule("av-evidence-statement")
    assert rule.evaluate(facts_mod.load(org.case())).status == "not_applicable"
