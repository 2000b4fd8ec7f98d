"""Time-based one-time passwords (RFC 6238, as in 密码令牌 apps): 6 digits, 30-second steps, SHA-1.

Small enough to keep here rather than add django-otp and its device models; the secret sits on the
user and the verified flag in the session.
"""

import base64
import hashlib
import hmac
import secrets
import struct
import time
from urllib.parse import quote

STEP_SECONDS = 30
DIGITS = 6


def totp_secret_new() -> str:
    return base64.b32encode(secrets.token_bytes(20)).decode()


def _code(secret: str, counter: int) -> str:
    digest = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def totp_code(*, secret: str, at: float | None = None) -> str:
    return _code(secret, int((time.time() if at is None else at) // STEP_SECONDS))


def totp_verify(*, secret: str, code: str, at: float | None = None) -> bool:
    """Accepts the current step and one either side, for clocks a little apart."""
    code = (code or "").strip().replace(" ", "")
    if not secret or len(code) != DIGITS or not code.isdigit():
        return False
    counter = int((time.time() if at is None else at) // STEP_SECONDS)
    return any(hmac.compare_digest(_code(secret, counter + drift), code) for drift in (-1, 0, 1))


def totp_uri(*, secret: str, username: str, issuer: str) -> str:
    label = quote(f"{issuer}:{username}")
    return (
        f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer)}&digits={DIGITS}&period={STEP_SECONDS}"
    )
