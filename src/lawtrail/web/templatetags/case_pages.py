"""The hot loops of the case pages, written in Python: the case list's rows and filter menus, and
the case page's done and pending steps, ledger entries and document kinds. Through the template
engine (a lookup, a filter and an escape per cell) they cost more than the queries behind them.
The views (web/views/cases.py) give the rows their labels, links and names; these only escape and
join, and write exactly what the templates wrote (tests/web/test_case_pages.py checks the cells).
Every value is plain text, never already-safe HTML, so escaping it unconditionally is right."""

from html import escape  # what django.utils.html.escape calls, without its lazy-string wrapper

from django import template
from django.template.base import render_value_in_context
from django.template.defaultfilters import linebreaksbr
from django.utils import timezone
from django.utils.safestring import mark_safe

from .lawtrail import action_label, document_label, step_title

register = template.Library()

ROW = ('\n    <tr><td><a href="{url}">{number}</a>{emergency}</td><td>{title}</td><td>{act}</td>\n'
       "      <td>{parties}</td>\n"
       "      <td>{unit}</td><td>{stage}</td><td>{status}</td><td>{started}</td></tr>\n  ")


@register.simple_tag
def case_rows(rows) -> str:
    """The case list's rows (dicts from queries.list_rows with the labels and link the view added)."""
    if not rows:
        return mark_safe('<tr><td colspan="8">没有符合条件的案件。</td></tr>')
    return mark_safe("".join(ROW.format(
        url=escape(r["url"]), number=escape(r["number"]), emergency=" <mark>先行启动</mark>" if r["emergency"] else "",
        title=escape(r["title"]), act=escape(r["act_label"]), parties=escape(r["parties"]),
        unit=escape(r["unit__name"]), stage=escape(r["stage_label"]), status=escape(r["status_label"]),
        started=r["started"]) for r in rows))


@register.simple_tag
def filter_menus(form, skip: str) -> str:
    """A <select> for each field of ``form`` with choices, except those named in ``skip`` (spaces
    between names), with the submitted value selected."""
    skipped = set(skip.split())
    out = []
    for name, field in form.fields.items():
        if name in skipped:
            continue
        data = str(form[name].data)
        options = "".join(
            f'<option value="{escape(str(value))}"{" selected" if data == str(value) else ""}>{escape(str(label))}</option>'
            for value, label in field.choices)
        out.append(f'\n  <label>{escape(str(field.label))}<select name="{escape(name)}">{options}</select></label>\n  ')
    return mark_safe("".join(out))


@register.simple_tag(takes_context=True)
def timeline_rows(context, entries) -> str:
    """The case page's ledger entries (queries.TimelineEntry): seq, time, who, what, the case
    number and title the entry names, and the hash."""
    def shown(payload, key):
        value = payload.get(key) if isinstance(payload, dict) else None
        missing = not isinstance(payload, dict) or key not in payload
        return value, ("" if missing else render_value_in_context(value, context))

    out = []
    for e in entries:
        number, number_html = shown(e.payload, "number")
        _, title_html = shown(e.payload, "title")
        out.append(f"<tr><td>{e.seq}</td><td>{escape(str(e.time))}</td><td>{escape(str(e.actor_name))}</td>"
                   f"<td>{escape(action_label(e.action))}</td><td>{number_html + ' · ' if number else ''}{title_html}</td>"
                   f'<td><code title="{escape(e.hash)}">{escape(e.hash[:16])}…</code></td></tr>')
    return mark_safe("".join(out))


def _minute(when) -> str:
    """What ``|date:"Y-m-d H:i"`` writes: local time, nothing for None."""
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else ""


@register.simple_tag
def step_record(r) -> str:
    """A done step on the case page (a StepRecord the view gave recorded_by_name, approved_by_name
    and handler_names): title, approval, when, who, the approval and the note."""
    approval = escape(r.get_approval_display())
    handlers = f" · 执法人员：{escape(r.handler_names)}" if r.handler_names else ""
    approved = (f"<br><small>{approval}：{escape(r.approved_by_name)}，{_minute(r.approved_at)}"
                f"{f'（{escape(r.opinion)}）' if r.opinion else ''}</small>") if r.approved_by_id else ""
    note = f"<p>{linebreaksbr(r.note, autoescape=True)}</p>" if r.note else ""
    return mark_safe(f"<strong>{escape(step_title(r))}</strong> <small>{approval}</small><br>\n"
                     f"        <small>{_minute(r.occurred_at)} · 记录：{escape(r.recorded_by_name)}{handlers}</small>\n"
                     f"        {approved}\n        {note}")


@register.simple_tag
def stage_steps(st) -> str:
    """What a stage of the case page shows after its done steps: the steps that may be recorded
    now (with their documents), or, when nothing is done or pending there, the procedure's steps
    of that stage."""
    out = []
    for step in st["pending"]:
        docs = (f"<br><small>文书：{'、'.join(escape(document_label(d)) for d in step.documents)}</small>"
                if step.documents else "")
        out.append(f'<div class="step pending"><strong>{escape(step.title)}</strong> '
                   f'<small>待办{"（视情况）" if step.optional else ""}</small>{docs}</div>')
    out.append("\n    ")
    if not st["done"] and not st["pending"]:
        planned = " · ".join(escape(step.title) for step in st["planned"]) or "本程序无此阶段环节"
        out.append(f'<small class="muted">{planned}</small>')
    return mark_safe("".join(out))


@register.simple_tag
def options(choices) -> str:
    """<option>s for (value, label) pairs, none selected."""
    return mark_safe("".join(f'<option value="{escape(str(value))}">{escape(str(label))}</option>'
                             for value, label in choices))
