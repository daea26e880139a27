"""``lawtrail check``: with case numbers, the findings of those cases (issue #6: ``lawtrail check
CASE_NO [--json]``; rules_check.py); with no argument or with app labels, Django's system check as
ever (this command replaces Django's own ``check`` and hands those calls to it)."""

from django.apps import apps
from django.core.management.base import CommandError
from django.core.management.commands import check as system_check

from .rules_check import add_case_arguments, print_findings


class Command(system_check.Command):
    help = ("lawtrail check 案号…：按规则配置检查案件（同 rules-check）；不带参数或带应用名：Django 系统检查")

    def add_arguments(self, parser):
        super().add_arguments(parser)  # app_label…, --tag, --deploy, --fail-level, --database …
        add_case_arguments(parser, positional=False)

    def handle(self, *args, json=False, bureau=None, **options):
        labels = {a.label for a in apps.get_app_configs()}
        numbers = [a for a in args if a not in labels]
        if not numbers:
            if json or bureau:
                raise CommandError("--json 和 --bureau 只用于检查案件：lawtrail check 案号 [--json] [--bureau 代码]")
            return super().handle(*args, **options)
        if len(numbers) < len(args):
            raise CommandError("请分开检查：案号（规则检查）和应用名（系统检查）不能同时给出")
        print_findings(self.stdout, numbers, bureau, json)
