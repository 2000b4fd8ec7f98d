"""The API's pages: its contract for any logged-in user or token, and the 安全管理员's token list."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST
from django.views.defaults import page_not_found
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated

from accounts.permissions import duty_required
from accounts.roles import Role
from common.lists import ListPage

from .authentication import BearerTokenAuthentication
from .filtersets import ApiTokenFilterSet
from .models import ApiToken
from .selectors import api_tokens_with_use
from .services import api_token_revoke
from .tables import ApiTokenTable


class SchemaView(SpectacularAPIView):
    authentication_classes = [BearerTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]


schema_view = SchemaView.as_view()
schema_view.access_policy = "authenticated"


class TokenList(ListPage):
    """接口令牌: who holds one, until when, when it was last used; revoking is one click."""

    template_name = "api/tokens.html"
    filterset_class = ApiTokenFilterSet
    table_class = ApiTokenTable

    def queryset(self, request):
        return api_tokens_with_use()


TOKEN_LIST = TokenList()


@duty_required(Role.SECURITY_ADMIN)
def token_list(request: HttpRequest) -> HttpResponse:
    return TOKEN_LIST.page(request)


@require_POST
@duty_required(Role.SECURITY_ADMIN)
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id)
    api_token_revoke(token=token, actor=request.user, request=request)
    messages.success(request, f"已吊销接口令牌 {token.prefix}…（{token.user.username}）。")
    return redirect("api:tokens")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 404 handler: an API address that matches no endpoint answers in the API's error shape;
    every other address gets Django's page."""
    if request.path.startswith("/api/"):
        body = {"error": {"status": 404, "code": "not_found", "message": "没有这个接口地址。", "errors": []}}
        return JsonResponse(body, status=404, json_dumps_params={"ensure_ascii": False})
    return page_not_found(request, exception)
