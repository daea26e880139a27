from __future__ import annotations

from datetime import date, datetime

from ninja import Field, Schema


class Error(Schema):
    code: str = Field(description="稳定的错误代码，供程序判断")
    message: str = Field(description="中文说明")
    fields: dict[str, list[str]] = Field(default_factory=dict, description="按字段的错误")


class PartyIn(Schema):
    kind: str = Field(description="person 自然人 / legal_person 法人 / other_org 其他组织")
    name: str = Field(max_length=100)
    id_number: str = Field("", max_length=40)
    credit_code: str = Field("", max_length=40)
    address: str = Field("", max_length=200)
    contact: str = Field("", max_length=50)
    representative: str = Field("", max_length=50)


class PartyOut(Schema):
    id: int
    kind: str
    name: str
    id_number: str
    credit_code: str
    address: str
    contact: str
    representative: str


class StaffOut(Schema):
    id: int = Field(alias="pk")
    name: str
    role: str
    certificate_no: str


class CaseIn(Schema):
    procedure: str
    source: str
    title: str = Field(max_length=200)
    summary: str = Field(max_length=5000)
    handlers: list[int] = Field(max_length=20, description="承办人（工作人员 id），至少两名持有效执法证的执法人员")
    parties: list[int] = Field(max_length=50, description="当事人 id")
    unit: int | None = None
    source_detail: str = Field("", max_length=200)
    emergency: bool = False
    emergency_reason: str = Field("", max_length=2000)
    started_at: datetime | None = None
    complaint: int | None = None
    number: str = Field("", max_length=60, description="补录纸质案卷时的原案号；留空则自动编号")


class StepOut(Schema):
    step: str
    stage: str
    occurred_at: datetime
    recorded_at: datetime
    approval: str
    approved_at: datetime | None


class CaseOut(Schema):
    id: int
    number: str
    act_type: str
    procedure: str
    source: str
    title: str
    status: str
    stage: str
    unit: str
    started_at: datetime
    emergency: bool
    created_at: datetime


class CaseDetail(CaseOut):
    summary: str
    emergency_reason: str
    parties: list[PartyOut]
    handlers: list[StaffOut]
    steps: list[StepOut]


class EntryOut(Schema):
    seq: int
    time: str
    actor: str
    action: str
    payload: dict | list | str | int | bool | None
    hash: str


class ComplaintIn(Schema):
    received_at: datetime
    channel: str
    content: str = Field(max_length=5000)
    anonymous: bool = False
    reporter_name: str = Field("", max_length=50)
    reporter_contact: str = Field("", max_length=50)
    about: str = Field("", max_length=200)


class ComplaintDecline(Schema):
    reason: str = Field(max_length=2000)


class ComplaintDecide(Schema):
    approve: bool
    opinion: str = Field("", max_length=2000)


class ComplaintNotice(Schema):
    notified_how: str = Field(description="phone 电话 / letter 书面 / sms 短信 / in_person 当面")
    notified_at: datetime


class ComplaintOut(Schema):
    id: int
    received_at: datetime
    channel: str
    anonymous: bool
    reporter_name: str
    about: str
    content: str
    status: str
    decline_reason: str
    proposed_at: datetime | None
    decided_at: datetime | None
    opinion: str
    notified_how: str
    notified_at: datetime | None


class CaseFilters(Schema):
    q: str = Field("", max_length=100, description="案号、案由、当事人姓名/证件号、承办人姓名")
    act_type: str = ""
    stage: str = ""
    status: str = ""
    unit: int | None = None
    date_from: date | None = None
    date_to: date | None = None


class DocumentIn(Schema):
    kind: str = Field(max_length=40, description="文书种类代码（见 records/catalogue.py）")
    values: dict = Field(default_factory=dict, description="栏目值；未填的栏目由案件信息预填")


class DocumentValues(Schema):
    values: dict


class FinaliseIn(Schema):
    reason: str = Field("", max_length=2000, description="更正定稿时必填")


class SignIn(Schema):
    role: str = Field(max_length=20, description="handlers / unit_head / legal_reviewer / agency_head / recorder / witness / party")
    method: str = Field(description="handwriting / electronic / seal")
    name: str = Field("", max_length=100, description="当事人、见证人的姓名")
    image_base64: str = Field("", max_length=700_000, description="手写签名或印章图像（PNG/JPEG，base64）")
    mime: str = Field("", max_length=20)


class RefuseIn(Schema):
    name: str = Field(max_length=100)
    reason: str = Field(max_length=2000)
    witnesses: list[str] = Field(default_factory=list, max_length=20)
    av_record: str = Field("", max_length=100)
    role: str = "party"


class ServiceIn(Schema):
    method: str = Field(description="direct / postal / left_at_residence / public_notice / entrusted / forwarded / electronic")
    served_at: datetime
    recipient: str = Field(max_length=100)
    place: str = Field("", max_length=200)
    carrier: str = Field("", description="邮寄送达：registered_mail / ems / other")
    witnesses: list[str] = Field(default_factory=list, max_length=20)
    receipt: str = Field("", max_length=200)


class VersionOut(Schema):
    version: int
    sha256: str
    sm3: str
    finalised_at: datetime
    correction_reason: str
    ledger_seq: int
    values: dict
    missing_signatures: list[str]


class DocumentOut(Schema):
    id: int
    kind: str
    number: str
    status: str
    draft: dict
    versions: list[VersionOut]
