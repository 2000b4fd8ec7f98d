"""Per-token throttling, the body size limit and cursor pages (kept apart from the views: DRF
imports these classes while it loads)."""

from __future__ import annotations

import io

from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import JSONParser
from rest_framework.throttling import SimpleRateThrottle

from common.spreadsheets import MIB

# The same limit as a spreadsheet upload (common.spreadsheets.open_workbook): a month's JSON for
# a province's unit is far smaller.
MAX_BODY_BYTES = 10 * MIB


class TokenRateThrottle(SimpleRateThrottle):
    """Per token: one unit's system cannot crowd out the others at month end."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = request.auth
        ident = f"token-{token.pk}" if token is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = f"请求内容过大（上限 {MAX_BODY_BYTES // MIB} MB，与表格导入相同）。"
    default_code = "too_large"


class LimitedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        length = request.META.get("CONTENT_LENGTH") if request is not None else None
        if length and str(length).isdigit() and int(length) > MAX_BODY_BYTES:
            raise RequestTooLarge()
        data = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(data) > MAX_BODY_BYTES:
            raise RequestTooLarge()
        return super().parse(io.BytesIO(data), media_type, parser_context)


# --- 分页 ---------------------------------------------------------------------------------------


class Cursor(CursorPagination):
    ordering = "pk"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000
    invalid_cursor_message = "分页游标无效。"
