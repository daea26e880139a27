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


def posted_forms(request, obj, forms_table: dict, offered: dict, refused: str):
    """The detail pages that offer several small forms (a complaint's, an access request's): on a
    POST, run the named form's action on ``obj``. ``forms_table``: name -> (form class, when
    offered, action(staff, obj, cleaned_data)); ``offered``: the unbound forms shown now, updated
    with the bound one. Returns True when the action succeeded (the caller redirects); a form that
    is not offered is refused with ``refused``, a failed action's errors go next to the fields."""
    from django.core.exceptions import ValidationError

    from ..forms import show_errors

    if request.method != "POST":
        return False
    name = request.POST.get("form", "")
    if name not in offered:
        raise policy.Denied(refused)
    cls, _, act = forms_table[name]
    offered[name] = form = cls(request.POST)
    if not form.is_valid():
        return False
    try:
        act(request.staff, obj, form.cleaned_data)
    except ValidationError as e:
        show_errors(form, e)
        return False
    return True
