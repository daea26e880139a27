"""Forms of the pages. They only parse and present; the rules live in the apps' actions, whose
ValidationErrors are put next to the right field by ``show_errors``."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone

from lawtrail import text
from lawtrail.access import throttle
from lawtrail.access.models import Staff, Unit
from lawtrail.cases.models import SOURCES, Complaint, Party
from lawtrail.cases.procedures import ACT_TYPES, PROCEDURES, STAGES
from lawtrail.ledger.store import append

DT = {"type": "datetime-local"}


class TextPolicy:
    """Every text input of the form under the one text policy (lawtrail/text.py), with the field's
    label in the message: a textarea is free text (CR LF from the browser kept as LF), any other
    text input a name (one line, no hidden direction or zero-width characters). It replaces
    Django's own NUL check, whose message does not say which field. Passwords are left as typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
                kind = text.TEXT if isinstance(field.widget, forms.Textarea) else text.NAME
                field.validators = [v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)]
                field.validators.append(_Policy(str(field.label or name), kind))

    def clean(self):
        data = super().clean()
        for name, field in self.fields.items():
            if isinstance(data.get(name), str) and any(isinstance(v, _Policy) for v in field.validators):
                data[name] = text.normalise(data[name])
        return data


class _Policy:
    def __init__(self, label: str, kind: str):
        self.label, self.kind = label, kind

    def __call__(self, value):
        if isinstance(value, str) and (p := text.problem(text.normalise(value), self.kind)) is not None:
            raise ValidationError(f"{self.label}{p}", code="text_policy")


def show_errors(form: forms.Form, exc: ValidationError) -> None:
    """Attach an action's errors to the form: on the field when the form has it, else on top."""
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    for field, messages in errors.items():
        for m in messages:
            form.add_error(field if field in form.fields else None, m)


class LoginForm(AuthenticationForm):
    """Django's login plus throttling (access/throttle.py): an address still in its delay is
    answered "请 N 秒后再试" (``retry_after``; the view makes it a 429) without a password being
    checked; a locked username is refused before its password is even checked, and that refusal is
    a ledger entry like any failure. The admin site logs in here too (access/site.py)."""

    error_messages = {**AuthenticationForm.error_messages,
                      "invalid_login": "用户名或密码不正确，请重新输入。", "inactive": "该账号已停用。"}
    retry_after = 0

    def clean(self):
        username = (self.cleaned_data.get("username") or "")[:150]
        ip = (self.request.META.get("REMOTE_ADDR") or "")[:64] if self.request else ""
        self.retry_after = throttle.wait_seconds(ip)
        if self.retry_after:
            raise ValidationError(throttle.slow_down_message(self.retry_after), code="throttled")
        refusal = throttle.locked(username)
        if refusal:
            throttle.note(username, ip, succeeded=False)
            append(actor="anonymous", action="auth.login_locked", subject=f"username:{username}"[:200],
                   payload={"username": username, "ip": ip})
            raise ValidationError(refusal, code="locked")
        return super().clean()


def _officers(bureau_id):
    return Staff.objects.filter(bureau_id=bureau_id, role__in=("officer", "unit_head"), active=True).order_by("name")


class StaffChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, s):
        problem = s.certificate_problem(timezone.localdate())
        note = "，执法证已过期" if problem and "过期" in problem else ""
        return f"{s.name}（{s.certificate_no or '无执法证'}{note}）"


class CaseForm(TextPolicy, forms.Form):
    procedure = forms.ChoiceField(label="程序", choices=[(k, f"{ACT_TYPES[p.act_type]} · {p.title}") for k, p in PROCEDURES.items()])
    source = forms.ChoiceField(label="案件来源", choices=SOURCES.items())
    source_detail = forms.CharField(label="来源说明（移送/交办机关及文号、申请事项等）", required=False, max_length=200)
    title = forms.CharField(label="案由", max_length=200)
    summary = forms.CharField(label="基本案情", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    unit = forms.ModelChoiceField(label="承办机构", queryset=Unit.objects.none(), required=False,
                                  empty_label="（本人所在机构）")
    handlers = StaffChoice(label="承办人（至少两名持有效执法证的执法人员）", queryset=Staff.objects.none(),
                           widget=forms.CheckboxSelectMultiple)
    party_kind = forms.ChoiceField(label="当事人类型", choices=Party.KINDS.items())
    party_name = forms.CharField(label="当事人姓名/名称", max_length=100)
    party_id_number = forms.CharField(label="公民身份号码（自然人）", required=False, max_length=40)
    party_credit_code = forms.CharField(label="统一社会信用代码（法人、其他组织）", required=False, max_length=40)
    party_address = forms.CharField(label="住所/地址", required=False, max_length=200)
    party_contact = forms.CharField(label="联系方式", required=False, max_length=50)
    party_representative = forms.CharField(label="法定代表人/负责人/代理人", required=False, max_length=50)
    emergency = forms.BooleanField(label="情况紧急，先行启动执法程序（事后补报审批）", required=False)
    emergency_reason = forms.CharField(label="紧急情况说明", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                       max_length=2000)
    started_at = forms.DateTimeField(label="实际启动时间（先行启动时填写）", required=False, widget=forms.DateTimeInput(DT))

    def __init__(self, *args, staff: Staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(bureau_id=staff.bureau_id)
        self.fields["handlers"].queryset = _officers(staff.bureau_id)

    # Party errors from register_party use the model's field names.
    PARTY_FIELDS = {"kind": "party_kind", "name": "party_name", "id_number": "party_id_number",
                    "credit_code": "party_credit_code", "address": "party_address", "contact": "party_contact",
                    "representative": "party_representative"}


class ComplaintForm(TextPolicy, forms.Form):
    received_at = forms.DateTimeField(label="收到时间", widget=forms.DateTimeInput(DT))
    channel = forms.ChoiceField(label="渠道", choices=Complaint.CHANNELS.items())
    anonymous = forms.BooleanField(label="匿名投诉举报", required=False)
    reporter_name = forms.CharField(label="投诉举报人", required=False, max_length=50)
    reporter_contact = forms.CharField(label="联系方式", required=False, max_length=50)
    about = forms.CharField(label="被投诉举报对象", required=False, max_length=200)
    content = forms.CharField(label="投诉举报内容", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class DeclineForm(TextPolicy, forms.Form):
    reason = forms.CharField(label="不予启动执法程序的理由（报机关负责人审批）", widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


class NoticeForm(TextPolicy, forms.Form):
    notified_how = forms.ChoiceField(label="告知投诉举报人的方式", choices=Complaint.NOTIFY_METHODS.items())
    notified_at = forms.DateTimeField(label="告知时间", widget=forms.DateTimeInput(DT))


class StepForm(TextPolicy, forms.Form):
    step = forms.ChoiceField(label="环节")
    occurred_at = forms.DateTimeField(label="实施时间（留空为现在）", required=False, widget=forms.DateTimeInput(DT))
    handlers = StaffChoice(label="执法人员", queryset=Staff.objects.none(), required=False,
                           widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="情况记录", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, staff: Staff, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = [(s.code, f"{STAGES[s.stage]} · {s.title}") for s in steps]
        self.fields["handlers"].queryset = _officers(staff.bureau_id)


class DecideForm(TextPolicy, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "批准"), ("reject", "不予批准")], widget=forms.RadioSelect,
                                 label="审批")
    opinion = forms.CharField(label="审批意见", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class CaseFilterForm(TextPolicy, forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=100,
                        widget=forms.TextInput(attrs={"placeholder": "案号、案由、当事人、承办人"}))
    act_type = forms.ChoiceField(label="执法行为", required=False, choices=[("", "全部"), *ACT_TYPES.items()])
    stage = forms.ChoiceField(label="阶段", required=False, choices=[("", "全部"), *STAGES.items()])
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), ("open", "办理中"), ("closed", "已办结")])
    unit = forms.ModelChoiceField(label="承办机构", required=False, queryset=Unit.objects.none(), empty_label="全部")
    date_from = forms.DateField(label="启动日期自", required=False, widget=forms.DateInput({"type": "date"}))
    date_to = forms.DateField(label="至", required=False, widget=forms.DateInput({"type": "date"}))

    def __init__(self, *args, staff: Staff | None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff:
            self.fields["unit"].queryset = Unit.objects.filter(bureau_id=staff.bureau_id)
