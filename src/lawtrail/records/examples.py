"""Plausible values for every field type: the demo fills documents with them, and tests finalise any kind."""

import math
import struct
import zlib

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


def handwriting_png(width: int = 180, height: int = 54) -> bytes:
    """A valid greyscale PNG with a pen stroke, built with zlib and struct."""
    raw = bytearray()
    for y in range(height):
        raw.append(0)  # filter: none
        for x in range(width):
            stroke = abs(y - height // 2 - round(height / 4 * math.sin(x / 14))) <= 1
            raw.append(0 if stroke else 255)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(raw)))
            + chunk(b"IEND", b""))
