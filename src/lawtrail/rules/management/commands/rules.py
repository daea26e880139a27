"""``lawtrail rules --coverage [--json | --markdown]``: for every article of the five seeds, the rules
that encode it, the part of the product that covers it, why software cannot check it, or what is
still to encode (rules/coverage.py), and a count per seed.

``docs/rules-coverage.md`` is ``lawtrail rules --coverage --markdown`` (a test keeps them equal)."""

import json

from django.core.management.base import BaseCommand, CommandError

from lawtrail.rules import coverage as cov
from lawtrail.rules import profiles


class Command(BaseCommand):
    help = "规则配置的情况：--coverage 列出五个规定每一条的覆盖情况（规则、产品、不可检查、待编码）"

    def add_arguments(self, parser):
        parser.add_argument("--coverage", action="store_true", help="列出每个规定每一条的覆盖情况及每个规定的合计")
        out = parser.add_mutually_exclusive_group()
        out.add_argument("--json", action="store_true", help="以 JSON 输出")
        out.add_argument("--markdown", action="store_true", help="以 Markdown 输出（docs/rules-coverage.md）")

    def handle(self, *args, coverage=False, json=False, markdown=False, **options):
        if not coverage:
            raise CommandError("请指定 --coverage（目前唯一的用法）")
        loaded = profiles.load_all()
        seeds = cov.build(loaded)
        if json:
            self.stdout.write(_json_dump({"statuses": cov.STATUSES, "seeds": seeds}))
        elif markdown:
            self.stdout.write(cov.markdown(seeds), ending="")
        else:
            self.stdout.write(cov.text(seeds), ending="")
        for p in cov.problems(loaded):
            self.stderr.write(f"覆盖表与规则配置不一致：{p}")


def _json_dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
