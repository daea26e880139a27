"""Every answer of /api/ that is not a success is the documented JSON ``{code, message, fields}``:
refused input, bad JSON, a body over the size limit, an unknown path or method, and a server error
too — a client never has to parse an HTML page."""

from __future__ import annotations

import logging
from functools import wraps

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.urls import URLPattern, re_path
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError as SchemaError

from lawtrail.access import policy
from lawtrail.media.actions import UploadCompleted

logger = logging.getLogger("lawtrail.api")

NOT_FOUND = "对象不存在或无权访问"
SERVER_ERROR = "服务器内部错误，请稍后重试；如反复出现，请联系系统管理员"

# pydantic's error types, in the words a user reads. The checks of our own types (schemas.py) carry
# their Chinese message themselves.
SCHEMA_MESSAGES = {"missing": "必填", "string_too_long": "过长", "too_long": "项目过多", "int_parsing": "应为整数",
                   "int_type": "应为整数", "int_from_float": "应为整数", "string_type": "应为字符串",
                   "string_unicode": "含有无效的字符（不成对的 UTF-16 代理项）",
                   "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
                   "datetime_parsing": "时间格式不正确（应为 ISO 8601，带时区）",
                   "datetime_from_date_parsing": "时间格式不正确（应为 ISO 8601，带时区）",
                   "datetime_type": "时间格式不正确（应为 ISO 8601，带时区）",
                   "timezone_aware": "时间须带时区，如 2025-03-01T09:30:00+08:00",
                   "date_from_datetime_parsing": "日期格式不正确（应为 YYYY-MM-DD）",
                   "date_parsing": "日期格式不正确（应为 YYYY-MM-DD）", "date_type": "日期格式不正确（应为 YYYY-MM-DD）",
                   "list_type": "应为数组", "dict_type": "应为 JSON 对象", "model_attributes_type": "应为 JSON 对象",
                   "uuid_parsing": "不是有效的编号（UUID）", "uuid_type": "不是有效的编号（UUID）",
                   "json_invalid": "不是有效的 JSON"}
OWN_TYPES = {"text", "money_type", "money_format", "time_range"}


def _range(e: dict) -> str | None:
    ctx = e.get("ctx") or {}
    if e.get("type") in ("greater_than_equal", "greater_than"):
        return f"超出范围：不能小于 {ctx.get('ge', ctx.get('gt'))}"
    if e.get("type") in ("less_than_equal", "less_than"):
        return f"超出范围：不能大于 {ctx.get('le', ctx.get('lt'))}"
    return None


def body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"code": code, "message": message, "fields": fields or {}}


def json_error(status: int, code: str, message: str, fields=None) -> JsonResponse:
    """The error answer outside django-ninja's operations (unknown path, method, server error)."""
    return JsonResponse(body(code, message, fields), status=status, json_dumps_params={"ensure_ascii": False})


def install(api: NinjaAPI) -> None:
    """The API's exception handlers: each kind of failure becomes its status and stable code."""

    def error(request, status: int, code: str, message: str, fields=None):
        return api.create_response(request, body(code, message, fields), status=status)

    @api.exception_handler(ValidationError)
    def _invalid(request, exc: ValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        first = next(iter(fields.values()))[0]
        return error(request, 422, "invalid", first, fields)

    @api.exception_handler(SchemaError)
    def _bad_request(request, exc: SchemaError):
        fields: dict[str, list[str]] = {}
        for e in exc.errors:
            name = ".".join(str(p) for p in e.get("loc", []) if p not in ("body", "query", "path", "filters")) or "__all__"
            kind = e.get("type", "")
            message = SCHEMA_MESSAGES.get(kind) or _range(e) or (e.get("msg") if kind in OWN_TYPES else "格式不正确")
            fields.setdefault(name, []).append(message)
        return error(request, 422, "invalid_request", "请求格式不正确：" + "、".join(fields), fields)

    @api.exception_handler(UploadCompleted)
    def _completed(request, exc: UploadCompleted):
        return error(request, 409, "conflict", exc.messages[0], exc.message_dict)

    @api.exception_handler(policy.Denied)
    def _denied(request, exc):
        return error(request, 403, "forbidden", str(exc))

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return error(request, 401, "unauthenticated", "未登录或令牌无效")

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        # django-ninja's own refusals: a body it cannot parse (400), a session without CSRF (403).
        if exc.status_code == 400:
            return error(request, 400, "malformed", "请求体不是有效的 JSON（应为 UTF-8 编码的 JSON 对象）")
        if exc.status_code == 403:
            return error(request, 403, "forbidden", "CSRF 校验失败，请刷新页面后重试")
        return error(request, exc.status_code, "error", "请求无法处理")

    @api.exception_handler(RequestDataTooBig)
    def _too_large(request, exc):
        return error(request, 413, "too_large", "请求体过大；音像文件请分块上传")

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return error(request, 404, "not_found", NOT_FOUND)

    @api.exception_handler(Exception)
    def _server_error(request, exc):
        logger.error("接口内部错误：%s %s", request.method, request.path, exc_info=exc)
        return error(request, 500, "server_error", SERVER_ERROR)


def _allowed_methods_in_json(view):
    @wraps(view)
    def inner(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            answer = json_error(405, "method_not_allowed", f"不支持 {request.method} 方法")
            answer["Allow"] = response["Allow"]
            return answer
        return response

    return inner


@csrf_exempt
def not_found(request, *args, **kwargs):
    return json_error(404, "not_found", "接口不存在：请核对路径（见 /api/v1/openapi.json）")


def urls(api: NinjaAPI):
    """``api.urls`` with a JSON 405 on every path and a JSON 404 for any path it does not know."""
    patterns, app_name, namespace = api.urls
    wrapped = [URLPattern(p.pattern, _allowed_methods_in_json(p.callback), p.default_args, p.name)
               if isinstance(p, URLPattern) else p for p in patterns]
    return [*wrapped, re_path(r"", not_found)], app_name, namespace


def server_error(request, *args, **kwargs):
    """Django's handler500: JSON under /api/, the site's page elsewhere."""
    if request.path.startswith("/api/"):
        return json_error(500, "server_error", SERVER_ERROR)
    return defaults.server_error(request, *args, **kwargs)
