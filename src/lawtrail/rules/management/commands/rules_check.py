"""``lawtrail rules-check CASE_NO [--json] [--bureau CODE]``: every rule of the case's profile with
its status, due time, citation and the article's words. (Not ``lawtrail check``: that name is
Django's own system check.)"""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lawtrail.cases.models import Case
from lawtrail.rules.check import check_case
from lawtrail.rules.kinds import STATUSES
from lawtrail.rules.profiles import SEVERITIES


class Command(BaseCommand):
    help = "按案件所属机关的规则配置检查案件（状态、期限、出处和条文原文）"

    def add_arguments(self, parser):
        parser.add_argument("case_number", help="案号")
        parser.add_argument("--bureau", help="执法机关代码（不同机关案号相同时必填）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, case_number, bureau=None, json=False, **options):
        cases = Case.objects.filter(number=case_number)
        if bureau:
            cases = cases.filter(bureau__code=bureau)
        found = list(cases.select_related("bureau")[:2])
        if not found:
            raise CommandError(f"没有案号为“{case_number}”的案件")
        if len(found) > 1:
            raise CommandError(f"多个机关有案号“{case_number}”的案件，请用 --bureau 指定机关")
        case = found[0]
        findings = check_case(case)
        if json:
            self.stdout.write(_json_dump({
                "case": case.number, "bureau": case.bureau.code, "profile": case.bureau.profile,
                "checked_at": timezone.now().isoformat(),
                "findings": [{"rule": f.rule, "kind": f.kind, "status": f.status, "severity": f.severity,
                              "due_at": f.due_at.isoformat() if f.due_at else None, "cite": f.cite, "text": f.text,
                              "records": list(f.records), "message": f.message} for f in findings]}))
            return
        self.stdout.write(f"案件 {case.number}（{case.bureau.name}，规则配置 {case.bureau.profile}）")
        for f in findings:
            due = f"  期限 {timezone.localtime(f.due_at):%Y-%m-%d %H:%M}" if f.due_at else ""
            self.stdout.write(f"[{STATUSES[f.status]}] {f.rule}（{SEVERITIES[f.severity]}）{due}")
            self.stdout.write(f"    {f.message}")
            self.stdout.write(f"    {f.cite}：“{f.text}”")
            if f.records:
                self.stdout.write(f"    记录：{'、'.join(f.records)}")
        counts = {s: sum(1 for f in findings if f.status == s) for s in STATUSES}
        self.stdout.write("合计：" + "，".join(f"{STATUSES[s]} {n}" for s, n in counts.items()))


def _json_dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
