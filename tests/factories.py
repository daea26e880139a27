"""Typed builders and named personas for tests: a bureau with two units, and one person per role.

    org = Org.build()          # 文旅局: team A (officers 张伟, 李娜, head 赵强), team B (刘洋, head 孙丽) …
    org.zhang                  # Staff
    org.client_for(org.zhang)  # a logged-in django.test.Client
"""

from __future__ import annotations

import itertools
import zlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.test import Client
from django.utils import timezone

from lawtrail.access import actions as access
from lawtrail.access.models import Bureau, Staff, Unit
from lawtrail.cases import actions as cases
from lawtrail.cases.identifiers import credit_code_check_char, resident_id_check_char
from lawtrail.cases.models import Case, Party

PASSWORD = "correct-horse-battery-9"
NAMES = {"zhang": "张伟", "li": "李娜", "liu": "刘洋", "chen": "陈静", "yang": "杨磊", "head_a": "赵强", "head_b": "孙丽",
         "legal": "吴法", "chief": "郑明", "records": "冯档", "supervisor": "钱督", "auditor": "周敏", "admin": "王建国",
         "sys_auditor": "韩审"}
_serial = itertools.count(1)


def resident_id(n: int | None = None) -> str:
    first = f"21021319800101{(n if n is not None else next(_serial)) % 1000:03d}"
    return first + resident_id_check_char(first)


def credit_code(n: int | None = None) -> str:
    first = f"91210213MA{(n if n is not None else next(_serial)) % 10**7:07d}"
    return first + credit_code_check_char(first)


@dataclass
class Org:
    bureau: Bureau
    team_a: Unit
    team_b: Unit
    legal_unit: Unit
    zhang: Staff       # officer, team A
    li: Staff          # officer, team A
    liu: Staff         # officer, team B
    chen: Staff        # officer, team B
    yang: Staff        # officer, team B, certificate expired
    head_a: Staff      # unit head, team A
    head_b: Staff      # unit head, team B
    legal: Staff       # legal reviewer
    chief: Staff       # agency head
    records: Staff     # records custodian
    supervisor: Staff
    auditor: Staff
    admin: Staff       # administrator
    sys_auditor: Staff  # installation auditor (系统审计员): every bureau's audit trail, on this bureau's roll

    @classmethod
    def build(cls, code: str = "wenlv", abbr: str = "金普文旅", profile: str = "000") -> "Org":
        b = access.create_bureau(by=None, code=code, name=f"{abbr}局", abbr=abbr, profile=profile)
        a = access.create_unit(by=None, bureau=b, name="执法一中队", kind="team")
        bb = access.create_unit(by=None, bureau=b, name="执法二中队", kind="team")
        legal = access.create_unit(by=None, bureau=b, name="政策法规科")
        today = timezone.localdate()

        def person(key, role, unit=None, cert=True, expired=False):
            return access.create_staff(
                by=None, username=f"{code}.{key}", password=PASSWORD, name=NAMES[key], bureau=b, role=role, unit=unit,
                certificate_no=f"21{zlib.crc32(f'{code}.{key}'.encode()) % 10**9:09d}" if cert else "",
                certificate_valid_from=today - timedelta(days=400) if cert else None,
                certificate_valid_until=(today - timedelta(days=1) if expired else today + timedelta(days=400)) if cert else None)

        return cls(
            bureau=b, team_a=a, team_b=bb, legal_unit=legal,
            zhang=person("zhang", "officer", a), li=person("li", "officer", a),
            liu=person("liu", "officer", bb), chen=person("chen", "officer", bb),
            yang=person("yang", "officer", bb, expired=True),
            head_a=person("head_a", "unit_head", a), head_b=person("head_b", "unit_head", bb),
            legal=person("legal", "legal_reviewer", legal, cert=False), chief=person("chief", "agency_head", cert=False),
            records=person("records", "records_custodian", cert=False),
            supervisor=person("supervisor", "supervisor", cert=False), auditor=person("auditor", "auditor", cert=False),
            admin=person("admin", "administrator", cert=False),
            sys_auditor=person("sys_auditor", "installation_auditor", cert=False))

    def everyone(self) -> dict[str, Staff]:
        return {k: v for k, v in vars(self).items() if isinstance(v, Staff)}

    @staticmethod
    def client_for(staff: Staff) -> Client:
        c = Client()
        c.force_login(staff.user)
        return c

    def party(self, by: Staff | None = None, **kw) -> Party:
        fields = {"kind": "legal_person", "name": "大连星海文化传媒有限公司", "credit_code": credit_code()} | kw
        return cases.register_party(by=by or self.zhang, **fields)

    def case(self, by: Staff | None = None, handlers=None, procedure: str = "penalty_general", **kw) -> Case:
        by = by or self.zhang
        fields = {"source": "ex_officio", "title": "未经许可擅自从事营业性演出", "summary": "群众反映某公司无证演出。",
                  "handlers": handlers or ([self.zhang, self.li] if by.unit_id == self.team_a.pk else [self.liu, self.chen]),
                  } | kw
        if "parties" not in fields:
            fields["parties"] = [self.party(by)]
        return cases.open_case(by=by, procedure=procedure, **fields)
