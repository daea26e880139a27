"""Plausible values for every field type, so a test can fill and finalise any document kind."""

from django.utils import timezone

from lawtrail.records.catalogue import DocumentKind

SAMPLE = {
    "text": "示例内容",
    "longtext": "经查，当事人于2026年11月在星海广场组织营业性演出，未取得营业性演出许可证。",
    "date": lambda: timezone.localdate().isoformat(),
    "datetime": lambda: timezone.localtime().isoformat(timespec="minutes"),
    "money": "20000.00",
    "integer": 3,
    "bool": True,
    "citation": [{"law": "《营业性演出管理条例》", "article": "第四十三条"}],
    "officers": [{"name": "张伟", "certificate_no": "21000000001", "shown": True},
                 {"name": "李娜", "certificate_no": "21000000002", "shown": True}],
    "party": {"name": "大连星海文化传媒有限公司", "kind": "法人", "identifier": "91210213MA0000001G"},
    "person": {"name": "王某", "role": "证人", "contact": "13800000000"},
    "items": [{"name": "盗版光盘", "spec": "DVD", "quantity": "120", "unit": "张"}],
    "file": {"sha256": "a" * 64, "name": "鉴定意见书.pdf"},
}


def sample_values(kind: DocumentKind, required_only: bool = True) -> dict:
    out = {}
    for f in kind.fields:
        if required_only and not f.required:
            continue
        v = f.choices[0][0] if f.type == "choice" else SAMPLE[f.type]
        out[f.name] = v() if callable(v) else v
    return out
