from django import template

from lawtrail.access.roles import ROLES
from lawtrail.cases.procedures import ACT_TYPES, DOCUMENT_KINDS, PROCEDURES, STAGES
from lawtrail.records.catalogue import SIGNERS

register = template.Library()

ACTIONS = {
    "auth.logged_in": "登录", "auth.logged_out": "退出", "auth.login_failed": "登录失败",
    "auth.login_locked": "登录被锁定拒绝",
    "access.bureau_created": "新建执法机关", "access.unit_created": "新建承办机构",
    "access.staff_created": "新建工作人员", "access.staff_changed": "修改工作人员",
    "access.token_issued": "签发接口令牌", "access.token_revoked": "吊销接口令牌",
    "access.role_changed": "变更角色", "access.password_set": "设置密码", "access.password_rehashed": "密码散列升级",
    "access.account_activated": "启用账号", "access.account_deactivated": "停用账号", "access.account_changed": "修改账号",
    "access.unit_changed": "修改承办机构", "access.bureau_changed": "修改执法机关",
    "cases.party_registered": "登记当事人", "cases.complaint_registered": "登记投诉举报",
    "cases.complaint_decline_proposed": "报请不予启动", "cases.complaint_declined": "批准不予启动执法程序",
    "cases.complaint_decline_refused": "不同意不予启动", "cases.complaint_reporter_told": "记录告知投诉举报人", "cases.case_opened": "启动执法程序",
    "cases.step_recorded": "记录环节", "cases.step_approved": "批准", "cases.step_rejected": "不予批准",
    "cases.clock_suspended": "记录期限中止", "cases.clock_suspension_ended": "记录期限中止结束",
    "cases.clock_extended": "批准延长期限", "cases.fine_paid": "记录罚款缴纳",
    "records.document_drafted": "制作文书草稿", "records.draft_saved": "保存文书草稿",
    "records.document_finalised": "文书定稿", "records.document_corrected": "文书更正定稿",
    "records.correction_started": "开始更正文书", "records.document_signed": "签名",
    "records.signature_refused": "拒签记录", "records.document_downloaded": "下载文书", "records.document_served": "送达",
    "records.service_receipt_drafted": "制作送达回证",
    "media.object_stored": "音像原件入库", "media.derivative_made": "生成缩略图或播放副本",
    "media.av_recorded": "上传音像记录", "media.av_linked": "音像记录关联案件", "media.viewed": "播放音像记录",
    "media.downloaded": "下载音像原件", "media.remote_work_declared": "登记连续或异地工作",
    "media.device_registered": "登记执法记录仪", "media.device_updated": "变更执法记录仪",
    "media.device_docked": "执法记录仪接入采集站",
    "media.circumstance_noted": "记录音像资料保存情形", "media.retention_set": "变更音像记录保存期限",
    "media.reception_linked": "关联投诉举报接待录音录像",
    "access.request_registered": "登记查阅、复制申请", "access.request_consultation_started": "征求第三方意见",
    "access.request_consultation_ended": "征求意见结束", "access.request_copy_approved": "机关负责人同意复制",
    "access.request_reply_extended": "批准延长答复期限", "access.request_extension_told": "告知申请人延长答复期限",
    "access.request_replied": "答复查阅、复制申请",
}


@register.filter
def action_label(code: str) -> str:
    return ACTIONS.get(code, code)


@register.filter
def stage_label(code: str) -> str:
    return STAGES.get(code, code)


@register.filter
def act_label(code: str) -> str:
    return ACT_TYPES.get(code, code)


@register.filter
def procedure_label(code: str) -> str:
    p = PROCEDURES.get(code)
    return p.title if p else code


@register.filter
def role_label(code: str) -> str:
    return ROLES.get(code, code)


@register.filter
def document_label(code: str) -> str:
    return DOCUMENT_KINDS.get(code, code)


@register.filter
def step_title(record) -> str:
    try:
        return record.step_def.title
    except ValueError:
        return record.step


@register.filter
def signer_label(code: str) -> str:
    return {**SIGNERS, "party": "当事人"}.get(code, code)


@register.filter
def field_text(value, field) -> str:
    """A finalised value as a person reads it (the PDF uses the same text)."""
    from lawtrail.records.render.context import display

    if value is None or value == "" or value == [] or value == {}:
        return "—"
    return display(field, value)


@register.filter
def timesince_delta(delta) -> str:
    """A timedelta as people say it: 2 分 5 秒, 1 小时 3 分 (its absolute value)."""
    seconds = abs(int(delta.total_seconds()))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    parts = [f"{h} 小时" if h else "", f"{m} 分" if m else "", f"{s} 秒" if s or not (h or m) else ""]
    return " ".join(p for p in parts if p)


@register.filter
def seconds_label(seconds) -> str:
    """A total duration in seconds as the AV pages write a record's (views.media.duration_label)."""
    from ..views.media import duration_label

    return duration_label((seconds or 0) * 1000)
