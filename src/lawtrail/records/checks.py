"""verify: every finalised version's content still hashes to the SHA-256 and SM3 its ledger entry
keeps (the row's other columns are compared with the entry by ledger/tracked.check_rows)."""

from __future__ import annotations

import hashlib

from .models import Version


def digests(content: str) -> tuple[str, str]:
    data = content.encode("utf-8")
    return hashlib.sha256(data).hexdigest(), hashlib.new("sm3", data).hexdigest()


def check_versions(report, using: str) -> None:
    n = 0
    for pk, content, sha256, sm3 in Version.objects.using(using).values_list("pk", "content", "sha256", "sm3").iterator():
        n += 1
        if digests(content) != (sha256, sm3):
            report.add("document_content_mismatch", f"records.version:{pk}",
                       f"文书版本 {pk} 的内容与其记录的 SHA-256/SM3 不符（内容被改动）")
    report.counts["document_versions"] = n
