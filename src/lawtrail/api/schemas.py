from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated

from ninja import Field, Path, Query, Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from lawtrail import text


class Error(Schema):
    code: str = Field(description="稳定的错误代码，供程序判断")
    message: str = Field(description="中文说明")
    fields: dict[str, list[str]] = Field(default_factory=dict, description="按字段的错误")


# The statuses an operation can answer besides its success, each with the Error body. Every
# operation authenticates (401) and asks the caller's role (403); one with an id in its path can
# miss (404); one with parameters or a body can be refused (422); a body can be malformed JSON
# (400) or too large (413). tests/api/test_errors.py checks the OpenAPI document against this.
def errors(*, path: bool = False, body: bool = False, extra: tuple[int, ...] = ()) -> dict:
    codes = {401, 403, 422, *extra} | ({404} if path else set()) | ({400, 413} if body else set())
    return {code: Error for code in sorted(codes)}


# Ids are 64-bit: anything outside 1..2^63-1 is refused as a bad request before a database sees it
# (SQLite cannot even bind a larger integer).
MAX_ID = 2 ** 63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, Path(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_ID)]


def checked_text(value: str) -> str:
    """The API's one call site of the shared text policy (lawtrail/text.py): every string the API
    accepts passes here before any query or action sees it (control characters, half a UTF-16
    pair); the actions then apply the whole policy (CR LF to LF, no direction overrides in names)
    to what they store."""
    if (p := text.problem(text.normalise(value))) is not None:
        raise PydanticCustomError("text", p)
    return value


def _checked_values(value):
    """Every string in a document's field values, keys included, through checked_text (with a
    stack, not recursion: JSON can nest deeper than Python recurses)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            checked_text(v)
        elif isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
    return value


# What checked_text lets through, said in the OpenAPI document too (a client or a fuzzer reads it
# there; half a UTF-16 pair cannot be written in a pattern).
_TEXT_SCHEMA = {"pattern": r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"}
Text = Annotated[str, Field(json_schema_extra=_TEXT_SCHEMA), AfterValidator(checked_text)]
Values = Annotated[dict, AfterValidator(_checked_values)]
# Optional query parameters: their default goes inside Query, or django-ninja makes them required.
SearchTerm = Annotated[str, Query("", max_length=100), Field(json_schema_extra=_TEXT_SCHEMA), AfterValidator(checked_text)]
Code = Annotated[str, Query("", max_length=40), Field(json_schema_extra=_TEXT_SCHEMA), AfterValidator(checked_text)]


# A moment sent to the API carries its offset (a naive time would be guessed at, and the ledger
# refuses it), and lies within what any record can mean: years 1900–2999.
_EARLIEST, _LATEST = datetime(1900, 1, 2, tzinfo=UTC), datetime(2999, 12, 31, tzinfo=UTC)


def _sane_time(value: datetime) -> datetime:
    if not _EARLIEST <= value <= _LATEST:
        raise PydanticCustomError("time_range", "时间超出范围（应在 1900 年至 2999 年之间）")
    return value


When = Annotated[AwareDatetime, AfterValidator(_sane_time)]


def _money(value):
    if not isinstance(value, str):  # 1.5 is a float before we see it: refuse every JSON number alike
        raise PydanticCustomError("money_type", "金额应以字符串发送，如 \"5000.00\"（不接受数字或浮点数）")
    if not re.fullmatch(r"[0-9]{1,12}(\.[0-9]{1,2})?", value):
        raise PydanticCustomError("money_format", "金额格式不正确：应为元，最多两位小数，如 \"5000.00\"")
    return Decimal(value)


Money = Annotated[Decimal, BeforeValidator(_money), WithJsonSchema(
    {"type": "string", "pattern": r"^[0-9]{1,12}(\.[0-9]{1,2})?$", "examples": ["5000.00"]})]


class PartyIn(Schema):
    kind: Text = Field(description="person 自然人 / legal_person 法人 / other_org 其他组织")
    name: Text = Field(max_length=100)
    id_number: Text = Field("", max_length=40)
    credit_code: Text = Field("", max_length=40)
    address: Text = Field("", max_length=200)
    contact: Text = Field("", max_length=50)
    representative: Text = Field("", max_length=50)


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
    procedure: Text
    source: Text
    title: Text = Field(max_length=200)
    summary: Text = Field(max_length=5000)
    handlers: list[Id] = Field(max_length=20, description="承办人（工作人员 id），至少两名持有效执法证的执法人员")
    parties: list[Id] = Field(max_length=50, description="当事人 id")
    unit: Id | None = None
    source_detail: Text = Field("", max_length=200)
    emergency: bool = False
    emergency_reason: Text = Field("", max_length=2000)
    started_at: When | None = None
    complaint: Id | None = None
    number: Text = Field("", max_length=60, description="补录纸质案卷时的原案号；留空则自动编号")


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
    received_at: When
    channel: Text
    content: Text = Field(max_length=5000)
    anonymous: bool = False
    reporter_name: Text = Field("", max_length=50)
    reporter_contact: Text = Field("", max_length=50)
    about: Text = Field("", max_length=200)


class ComplaintDecline(Schema):
    reason: Text = Field(max_length=2000)


class ComplaintDecide(Schema):
    approve: bool
    opinion: Text = Field("", max_length=2000)


class ComplaintNotice(Schema):
    notified_how: Text = Field(description="phone 电话 / letter 书面 / sms 短信 / in_person 当面")
    notified_at: When


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
    q: Text = Field("", max_length=100, description="案号、案由、当事人姓名/证件号、承办人姓名")
    act_type: Text = ""
    stage: Text = ""
    status: Text = ""
    unit: Id | None = None
    date_from: date | None = None
    date_to: date | None = None


class DocumentIn(Schema):
    kind: Text = Field(max_length=40, description="文书种类代码（见 records/catalogue.py）")
    values: Values = Field(default_factory=dict, description="栏目值；未填的栏目由案件信息预填")


class DocumentValues(Schema):
    values: Values


class FinaliseIn(Schema):
    reason: Text = Field("", max_length=2000, description="更正定稿时必填")


class SignIn(Schema):
    role: Text = Field(max_length=20, description="handlers / unit_head / legal_reviewer / agency_head / recorder / witness / party")
    method: Text = Field(description="handwriting / electronic / seal")
    name: Text = Field("", max_length=100, description="当事人、见证人的姓名")
    image_base64: Text = Field("", max_length=700_000, description="手写签名或印章图像（PNG/JPEG，base64）")
    mime: Text = Field("", max_length=20)


class RefuseIn(Schema):
    name: Text = Field(max_length=100)
    reason: Text = Field(max_length=2000)
    witnesses: list[Text] = Field(default_factory=list, max_length=20)
    av_record: Text = Field("", max_length=100)
    role: Text = "party"


class ServiceIn(Schema):
    method: Text = Field(description="direct / postal / left_at_residence / public_notice / entrusted / forwarded / electronic")
    served_at: When
    recipient: Text = Field(max_length=100)
    place: Text = Field("", max_length=200)
    carrier: Text = Field("", description="邮寄送达：registered_mail / ems / other")
    witnesses: list[Text] = Field(default_factory=list, max_length=20)
    receipt: Text = Field("", max_length=200)


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
