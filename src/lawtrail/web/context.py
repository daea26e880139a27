from lawtrail.access import policy, roles


def staff(request):
    """The signed-in person's staff record and what the menu may show, without permission queries."""
    s = policy.staff_of(getattr(request, "user", None))
    return {"staff_member": s, "can_read_audit": s is not None and policy.can_read_audit(request.user),
            "sees_cases": s is not None and s.role in roles.SEES_BUREAU_CASES | roles.SEES_UNIT_CASES}
