"""The hot loops of the case pages, written in Python: the case list's rows and filter menus, and
the case page's done and pending steps, ledger entries and document kinds. Through the template
engine (a lookup, a filter and an escape per cell) they cost more than the queries behind them.
The views (web/views/cases.py) give the rows their labels, links and names; these only escape and
join, and write exactly what the templates wrote (tests/web/test_case_pages.py checks the cells).
Every value is plain text, never already-safe HTML, so escaping it unconditionally is right."""

from html import escape  # what django.utils.html.escape calls, without its lazy-string wrapper

from django import template
from django.template.base import render_value_in_context
from django.utils import timezone
from django.utils.safestring import mark_safe

from lawtrail.cases.models import StepRecord

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


def _minute(when, tz=None) -> str:
    """What ``|date:"Y-m-d H:i"`` writes: local time (in ``tz``, looked up once by a caller with
    many dates, or the current time zone), nothing for None."""
    return timezone.localtime(when, tz).strftime("%Y-%m-%d %H:%M") if when else ""


def _lines(text: str) -> str:
    """``|linebreaksbr`` of plain text: newlines normalised, escaped, each line break a <br>."""
    return escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


# get_approval_display() builds a dict of the field's choices on every call.
_APPROVALS = dict(StepRecord._meta.get_field("approval").flatchoices)


@register.simple_tag
def step_record(r, tz=None) -> str:
    """A done step on the case page (a StepRecord the view gave recorded_by_name, approved_by_name
    and handler_names): title, approval, when, who, the approval and the note."""
    approval = escape(str(_APPROVALS.get(r.approval, r.approval)))
    handlers = f" · 执法人员：{escape(r.handler_names)}" if r.handler_names else ""
    approved = (f"<br><small>{approval}：{escape(r.approved_by_name)}，{_minute(r.approved_at, tz)}"
                f"{f'（{escape(r.opinion)}）' if r.opinion else ''}</small>") if r.approved_by_id else ""
    note = f"<p>{_lines(r.note)}</p>" if r.note else ""
    return mark_safe(f"<strong>{escape(step_title(r))}</strong> <small>{approval}</small><br>\n"
                     f"        <small>{_minute(r.occurred_at, tz)} · 记录：{escape(r.recorded_by_name)}{handlers}</small>\n"
                     f"        {approved}\n        {note}")


@register.simple_tag
def minute(when) -> str:
    """``|date:"Y-m-d H:i"`` without the date filter's formatter."""
    return _minute(when)


@register.simple_tag(takes_context=True)
def stage_list(context, stages) -> str:
    """The case page's five stages: each with its done steps (and the approval form on those the
    viewer may decide: web/cases/_decide_form.html, rendered in the page's context) and then
    stage_steps."""
    can_decide = context.get("can_decide") or ()
    decide = None
    tz = timezone.get_current_timezone()
    out = []
    for st in stages:
        classes = (" current" if st["current"] else "") + (" has-done" if st["done"] else "")
        out.append(f'\n  <li class="stage{classes}" id="stage-{escape(st["code"])}">\n'
                   f'    <h3>{escape(st["label"])}</h3>\n    ')
        for r in st["done"]:
            out.append(f'\n      <div class="step done approval-{escape(r.approval)}">\n        {step_record(r, tz)}\n        ')
            if r.pk in can_decide:
                if decide is None:
                    decide = context.template.engine.get_template("web/cases/_decide_form.html")
                with context.push(r=r):
                    out.append(f"\n          {decide.render(context)}        ")  # the file ends its last line
            out.append("\n      </div>\n    ")
        out.append(f"\n    {stage_steps(st)}\n  </li>\n")
    return mark_safe("".join(out))


@register.simple_tag
def party_list(parties) -> str:
    """The case page's parties: name, kind, identifier, address, contact and representative."""
    out = []
    for p in parties:
        ident = f"公民身份号码 {escape(p.id_number)}" if p.id_number else f"统一社会信用代码 {escape(p.credit_code)}"
        out.append(f"<p><strong>{escape(p.name)}</strong>（{escape(p.get_kind_display())}）<br>{ident}"
                   f"{f'<br>{escape(p.address)}' if p.address else ''}{f' · {escape(p.contact)}' if p.contact else ''}"
                   f"{f'<br>代表人：{escape(p.representative)}' if p.representative else ''}</p>")
    return mark_safe("".join(out))


@register.simple_tag(takes_context=True)
def handler_list(context, handlers) -> str:
    """The case's handlers (queries.Person): name, 执法证 and its validity, the date as ``{{ }}`` writes it."""
    return mark_safe("".join(
        f"<li>{escape(h.name)}，执法证 {escape(h.certificate_no)}"
        f"（有效期至 {render_value_in_context(h.certificate_valid_until, context)}）</li>" for h in handlers))


@register.simple_tag
def document_rows(documents, link) -> str:
    """The case page's documents (annotated n_versions); ``link``: a document URL split where its id goes."""
    if not documents:
        return mark_safe('<tr><td colspan="5">尚无文书。</td></tr>')
    before, after = link
    tz = timezone.get_current_timezone()
    return mark_safe("".join(
        f'<tr><td><a href="{escape(before)}{d.pk}{escape(after)}">{escape(document_label(d.kind))}</a></td>'
        f'<td>{escape(d.number) if d.number else "—"}</td><td>{escape(d.get_status_display())}</td>'
        f"<td>{d.n_versions}</td><td>{_minute(d.created_at, tz)}</td></tr>\n  " for d in documents))


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
