"""Roles and what each may do. Pure Python: procedures and tests import it without Django.

三员分立 (separation of duties): the administrator manages accounts but reads no record and no
audit trail and approves nothing; the auditor reads his own bureau's audit trail and changes
nothing; the installation's auditor (系统审计员) reads every bureau's and the installation's own.
"""

ROLES: dict[str, str] = {
    "officer": "执法人员",
    "unit_head": "承办机构负责人",
    "legal_reviewer": "法制审核人员",
    "agency_head": "机关负责人",
    "records_custodian": "档案管理员",
    "supervisor": "监督人员",
    "auditor": "审计员",
    "installation_auditor": "系统审计员",
    "administrator": "系统管理员",
}

# Who sees which cases (policy.visible_cases applies these).
SEES_BUREAU_CASES = frozenset({"agency_head", "supervisor", "records_custodian", "legal_reviewer"})
SEES_UNIT_CASES = frozenset({"unit_head", "officer"})  # officers also see the cases they handle

OPENS_CASES = frozenset({"officer", "unit_head"})       # new cases, complaints, steps
HOLDS_CERTIFICATE = frozenset({"officer", "unit_head"})  # may be a handler (执法证)
APPROVES = frozenset({"unit_head", "legal_reviewer", "agency_head"})
# 查阅、复制申请 (access/requests.py): registered, consulted on and replied to by whoever works with
# the case; the head's consent to a copy and the extension of the reply are the agency head's.
HANDLES_ACCESS_REQUESTS = SEES_BUREAU_CASES | SEES_UNIT_CASES
READS_AUDIT = frozenset({"auditor", "installation_auditor"})
READS_EVERY_BUREAUS_AUDIT = frozenset({"installation_auditor"})  # the others read their bureau's entries only
MANAGES_ACCOUNTS = frozenset({"administrator"})
