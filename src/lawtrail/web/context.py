from lawtrail.access import policy, roles
from lawtrail.rules import reminders


def staff(request):
    """The signed-in person's staff record and what the menu may show, without permission queries."""
    s = policy.staff_of(getattr(request, "user", None))
    sees = s is not None and s.role in roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES
    return {"staff_member": s, "can_read_audit": s is not None and policy.can_read_audit(request.user),
            "sees_cases": sees,
            # a callable: counted (one query) only by a page that shows the header, not by fragments
            "unread_reminders": (lambda: reminders.unread_count(request.user)) if sees else 0}
