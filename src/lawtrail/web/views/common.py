from functools import wraps

from django.contrib.auth.decorators import login_required

from lawtrail.access import policy


def staff_view(allowed=None):
    """Login required, the user must be bureau staff, and (if given) hold one of ``allowed`` roles."""

    def wrap(view):
        @login_required
        @wraps(view)
        def inner(request, *args, **kwargs):
            s = policy.staff_of(request.user)
            if s is None:
                raise policy.Denied("该账号不是任何执法机关的工作人员，无权访问此页面")
            if allowed is not None and s.role not in allowed:
                policy.require_role(request.user, allowed, "访问此页面")
            request.staff = s
            return view(request, *args, **kwargs)

        return inner

    return wrap
