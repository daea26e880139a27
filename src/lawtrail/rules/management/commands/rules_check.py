"""``lawtrail check CASE_NO… [--json] [--bureau CODE]`` (``lawtrail rules-check`` is the same): every
rule of each case's profile with its status, due time, severity, citation, the article's words and
the records concerned, from the stored result (rules.stored: recomputed first if any fact changed).
``lawtrail check`` with no argument or with app labels is still Django's system check (check.py)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from lawtrail.cases.models import Case
from lawtrail.rules import stored
from lawtrail.rules.kinds import STATUSES
from lawtrail.rules.profiles import SEVERITIES


def add_case_arguments(parser, positional: bool = True) -> None:
    if positional:
        parser.add_argument("case_numbers", nargs="+", metavar="CASE_NO", help="案号（可多个）")
    parser.add_argument("--bureau", help="执法机关代码（不同机关案号相同时必填）")
    parser.add_argument("--json", action="store_true", help="以 JSON 输出（一个案号：一个对象；多个：列表）")


def _case(number: str, bureau: str | None) -> Case:
    cases = Case.objects.filter(number=number)
    if bureau:
        cases = cases.filter(bureau__code=bureau)
    found = list(cases.select_related("bureau")[:2])
    if not found:
        raise CommandError(f"没有案号为“{number}”的案件")
    if len(found) > 1:
        raise CommandError(f"多个机关有案号“{number}”的案件，请用 --bureau 指定机关")
    return found[0]


def _as_dict(case: Case, r: stored.Result) -> dict:
    return {"case": case.number, "bureau": case.bureau.code, "profile": case.bureau.profile,
            "checked_at": r.computed_at.isoformat(),
            "findings": [{"rule": f.rule, "kind": f.kind, "status": f.status, "severity": f.severity,
                          "due_at": f.due_at.isoformat() if f.due_at else None, "cite": f.cite, "text": f.text,
                          "records": list(f.records), "record_labels": {ref: r.names[ref][0] for ref in f.records
                                                                        if ref in r.names},
                          "message": f.message} for f in r.findings]}


def _as_text(case: Case, r: stored.Result) -> list[str]:
    lines = [f"案件 {case.number}（{case.bureau.name}，规则配置 {case.bureau.profile}，"
             f"检查时间 {timezone.localtime(r.computed_at):%Y-%m-%d %H:%M}）"]
    for f in r.findings:
        due = f"  期限 {timezone.localtime(f.due_at):%Y-%m-%d %H:%M}" if f.due_at else ""
        lines.append(f"[{STATUSES[f.status]}] {f.rule}（{SEVERITIES[f.severity]}）{due}")
        lines.append(f"    {f.message}")
        lines.append(f"    {f.cite}：“{f.text}”")
        if f.records:
            lines.append(f"    记录：{'、'.join(f'{r.names[x][0]} [{x}]' if x in r.names else x for x in f.records)}")
    counts = {s: sum(1 for f in r.findings if f.status == s) for s in STATUSES}
    lines.append("合计：" + "，".join(f"{STATUSES[s]} {n}" for s, n in counts.items()))
    return lines


def print_findings(out, numbers, bureau=None, as_json=False) -> None:
    """Write the findings of the cases ``numbers`` to ``out`` (a command's stdout)."""
    cases = [_case(n, bureau) for n in numbers]
    found = stored.results(cases)
    if as_json:
        data = [_as_dict(c, found[c.pk]) for c in cases]
        out.write(json.dumps(data[0] if len(data) == 1 else data, ensure_ascii=False, indent=2))
        return
    out.write("\n\n".join("\n".join(_as_text(c, found[c.pk])) for c in cases))


class Command(BaseCommand):
    help = "按案件所属机关的规则配置检查案件（状态、期限、严重程度、出处和条文原文、相关记录）；同 lawtrail check 案号"

    def add_arguments(self, parser):
        add_case_arguments(parser)

    def handle(self, *args, case_numbers, bureau=None, json=False, **options):
        print_findings(self.stdout, case_numbers, bureau, json)
