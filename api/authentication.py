"""``Authorization: Bearer <token>``: the token's user is the caller (kept apart from the views:
DRF imports its authentication classes while it loads)."""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .services import TokenRefused, api_token_check


class BearerTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <token>``; the token's user is the caller."""

    keyword = b"bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Authorization 头格式应为：Bearer <令牌>。")
        try:
            token = api_token_check(secret=header[1].decode("latin-1"))
        except TokenRefused as refused:
            raise exceptions.AuthenticationFailed(str(refused)) from refused
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
