"""What every API call goes through: the token, the user's roles, the limits, the error shape, the audit.

Every call acts as the token's user. The views check the same functions the pages check
(``accounts.permissions``, ``projects.access``) and call the same services, so the API can show or
change nothing its user could not on a page.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from rest_framework import exceptions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import exception_handler

from accounts.roles import Role
from audit.models import AuditAction, AuditResult
from audit.services import audit_record
from common.errors import StaleEditError, SubmissionError

from .authentication import BearerTokenAuthentication
from .permissions import RolePermission, policy_of

# --- 令牌 ---------------------------------------------------------------------------------------


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "manage.py create_api_token 用户名 生成的接口令牌",
        }


# --- 错误 ---------------------------------------------------------------------------------------


class ErrorItemSerializer(serializers.Serializer):
    field = serializers.CharField(
        allow_null=True, help_text="出错的字段（如 entries.amount），整体错误为 null"
    )
    row = serializers.IntegerField(
        allow_null=True, help_text="出错的行（请求中列表的第几项，从 1 起），无则为 null"
    )
    message = serializers.CharField(help_text="中文说明，含行号和字段名")


class ErrorBodySerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField(
        help_text="invalid、not_authenticated、permission_denied、not_found、conflict 等"
    )
    message = serializers.CharField()
    errors = ErrorItemSerializer(many=True)


class ErrorSerializer(serializers.Serializer):
    """The one error shape of every 4xx answer."""

    error = ErrorBodySerializer()


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Invalid(exceptions.APIException):
    """Errors the services report per row: ``items`` are (field, row, message)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, message: str, items: list[tuple[str | None, int | None, str]]):
        super().__init__(message)
        self.items = items


def _label(serializer_labels: dict[str, str], name: str) -> str:
    return serializer_labels.get(name, name)


def _flatten(detail, labels: dict[str, str], *, field: str | None = None, row: int | None = None):
    """DRF's nested error detail as (field, row, message) with the message naming both."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int):  # a list's item, by its index
                yield from _flatten(value, labels, field=field, row=key + 1)
            elif key in ("non_field_errors", "__all__"):
                yield from _flatten(value, labels, field=field, row=row)
            else:
                yield from _flatten(value, labels, field=f"{field}.{key}" if field else key, row=row)
    elif isinstance(detail, list):
        nested = any(isinstance(item, dict | list) for item in detail)
        for index, item in enumerate(detail):
            if nested:
                if item:
                    yield from _flatten(item, labels, field=field, row=index + 1)
            else:
                yield from _flatten(item, labels, field=field, row=row)
    else:
        yield field, row, _message(str(detail), labels, field, row)


def _message(text: str, labels: dict[str, str], field: str | None, row: int | None) -> str:
    where = f"第{row}行" if row is not None else ""
    if field:
        where += f"「{_label(labels, field.rsplit('.', 1)[-1])}」"
    return f"{where}：{text}" if where else text


def error_response(status_code: int, code: str, message: str, items=()) -> Response:
    return Response(
        {
            "error": {
                "status": status_code,
                "code": code,
                "message": message,
                "errors": [{"field": f, "row": r, "message": m} for f, r, m in items],
            }
        },
        status=status_code,
    )


def api_exception_handler(exc, context):
    """Every refusal in one JSON shape with Chinese messages; nothing was saved when it is sent."""
    view = context.get("view")
    labels = getattr(view, "field_labels", {}) if view is not None else {}
    if isinstance(exc, Http404):
        return error_response(404, "not_found", str(exc) if str(exc) else "未找到。")
    if isinstance(exc, PermissionDenied):
        return error_response(403, "permission_denied", str(exc) or "您无权执行此操作。")
    if isinstance(exc, DjangoValidationError):
        messages = exc.messages
        return error_response(
            400, "invalid", "；".join(messages), [(None, None, message) for message in messages]
        )
    if isinstance(exc, StaleEditError):
        return error_response(409, "stale_version", str(exc))
    if isinstance(exc, SubmissionError):
        return error_response(409, "conflict", str(exc))
    if isinstance(exc, Invalid):
        return error_response(400, "invalid", str(exc.detail), exc.items)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        items = list(_flatten(exc.detail, labels))
        return error_response(response.status_code, "invalid", "请求数据未通过校验，未保存任何数据。", items)
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    code = code if isinstance(code, str) else "error"
    text = (
        str(detail)
        if not isinstance(detail, dict | list)
        else "；".join(m for _f, _r, m in _flatten(detail, labels))
    )
    return _with_headers(error_response(response.status_code, code, text), response)


def _with_headers(new: Response, old: Response) -> Response:
    for name in ("WWW-Authenticate", "Retry-After", "Allow"):
        if name in old:
            new[name] = old[name]
    return new


# --- 视图基类 -----------------------------------------------------------------------------------


class ErrorResponsesSchema(AutoSchema):
    """Every operation documents the one error shape for the refusals it can answer."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = ["400", "401", "403", "404", "405", "406", "429"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["409", "413", "415"]
        for code in codes:
            responses.setdefault(code, self._get_response_for_code(ErrorSerializer, code))
        return responses


class ApiView(GenericAPIView):
    """An API endpoint: its roles (None: every business role, the unit checked in the view) and the
    Chinese labels of its fields for error messages. Each call is audited with its source address."""

    roles: tuple[Role, ...] | None = None
    field_labels: dict[str, str] = {}
    schema = ErrorResponsesSchema()

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        # The URL walker (tests/test_url_permissions.py) reads the same mark as on the pages.
        view.access_policy = policy_of(cls.roles)
        return view

    def get_permissions(self):
        return [RolePermission()]

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        _audit_call(request, response)
        return response


def _audit_call(request, response) -> None:
    token = getattr(request, "_auth", None)
    user = getattr(request, "_user", None)
    user = user if user is not None and user.is_authenticated else None
    status_code = response.status_code
    action = AuditAction.PERMISSION_DENIED if status_code == 403 else AuditAction.API_CALL
    audit_record(
        request=request._request,
        actor=user,
        action=action,
        obj=token,
        result=AuditResult.SUCCESS if status_code < 400 else AuditResult.FAILURE,
        detail={
            "method": request.method,
            "path": request.path[:500],
            "query": request._request.GET.urlencode()[:500],
            "status": status_code,
            "via": "api",
        },
    )
