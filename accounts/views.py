"""Login, password change, second factor, and the 安全管理员's page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from audit.models import AuditAction, AuditResult
from audit.services import audit_record

from .forms import LoginForm, OtpForm
from .lockout import WRONG_OTP, account_locked_until, account_unlock, locked_accounts, login_failure_handle
from .middleware import OTP_SESSION_KEY
from .permissions import authenticated_view, duty_required, public_view
from .roles import BUSINESS_ROLES, Role
from .totp import totp_secret_new, totp_uri, totp_verify


def landing_url(user) -> str:
    """Where a user starts: the business home page, or the page of their administrative role."""
    if user.is_superuser or any(user.has_role(role) for role in BUSINESS_ROLES):
        return reverse("home")
    if user.has_role(Role.AUDIT_ADMIN):
        return reverse("audit:log")
    if user.has_role(Role.SECURITY_ADMIN):
        return reverse("accounts:security")
    if user.has_role(Role.SYSTEM_ADMIN):
        return reverse("admin:index")
    return reverse("home")


def _next_url(request, user) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return landing_url(user)


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm

    def get_default_redirect_url(self):
        return landing_url(self.request.user)


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"

    def form_valid(self, form):
        user = form.save(commit=False)
        user.password_changed_at = timezone.now()
        user.save()
        update_session_auth_hash(self.request, user)
        audit_record(request=self.request, action=AuditAction.PASSWORD_CHANGE, obj=user)
        messages.success(self.request, "密码已修改。")
        return redirect(_next_url(self.request, user))


login_view = public_view(LoginView.as_view())
password_change = authenticated_view(PasswordChangeView.as_view())


@authenticated_view
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Binds an authenticator app: the secret waits in the session until a code from it is right.

    The secret is shown as text and as an otpauth:// address to type or paste into the app; a QR
    image would need an imaging library the intranet build does not carry."""
    user = request.user
    if user.otp_secret:
        return redirect("accounts:otp_verify")
    secret = request.session.get("otp_pending_secret") or totp_secret_new()
    request.session["otp_pending_secret"] = secret
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_verify(secret=secret, code=form.cleaned_data["code"]):
            user.otp_secret = secret
            user.save(update_fields=["otp_secret"])
            del request.session["otp_pending_secret"]
            request.session[OTP_SESSION_KEY] = True
            audit_record(request=request, action=AuditAction.OTP_SETUP, obj=user)
            return redirect(_next_url(request, user))
        audit_record(request=request, action=AuditAction.OTP_SETUP, obj=user, result=AuditResult.FAILURE)
        form.add_error("code", "动态口令不正确，请核对手机时间后重试。")
    uri = totp_uri(secret=secret, username=user.username, issuer=settings.OTP_ISSUER)
    return render(request, "accounts/otp_setup.html", {"form": form, "secret": secret, "uri": uri})


@authenticated_view
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.otp_secret:
        return redirect("accounts:otp_setup")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_verify(secret=user.otp_secret, code=form.cleaned_data["code"]):
            request.session[OTP_SESSION_KEY] = True
            audit_record(request=request, action=AuditAction.OTP_VERIFY)
            return redirect(_next_url(request, user))
        audit_record(request=request, action=AuditAction.OTP_VERIFY, result=AuditResult.FAILURE)
        login_failure_handle(request=request, username=user.username, reason=WRONG_OTP)
        if account_locked_until(username=user.username) is not None:
            logout(request)
            messages.error(request, "动态口令连续错误次数过多，账号已锁定，请稍后再试或联系安全管理员解锁。")
            return redirect("login")
        form.add_error("code", "动态口令不正确。")
    return render(request, "accounts/otp_verify.html", {"form": form})


SHOWN_SETTINGS = [
    ("LOGIN_FAILURE_LIMIT", "登录失败锁定次数"),
    ("LOGIN_FAILURE_WINDOW_MINUTES", "失败计数时间窗（分钟）"),
    ("LOCKOUT_MINUTES", "锁定时长（分钟）"),
    ("SESSION_COOKIE_AGE", "会话空闲超时（秒）"),
    ("FORCE_PASSWORD_CHANGE", "首次登录强制修改密码"),
    ("PASSWORD_MAX_AGE_DAYS", "密码有效期（天）"),
    ("OTP_REQUIRED", "管理角色须动态口令"),
    ("AUDIT_RETENTION_DAYS", "审计日志保存期（天）"),
    ("SESSION_COOKIE_SECURE", "会话 Cookie 仅经 HTTPS"),
    ("SECURE_HSTS_SECONDS", "HSTS 时长（秒）"),
    ("CONTENT_SECURITY_POLICY", "内容安全策略"),
]


@duty_required(Role.SECURITY_ADMIN)
def security(request: HttpRequest) -> HttpResponse:
    """The 安全管理员's page: locked accounts and the effective security settings (read-only:
    they come from the environment, so a change is a deployment, not a click)."""
    shown = [(label, getattr(settings, name, "—")) for name, label in SHOWN_SETTINGS]
    return render(request, "accounts/security.html", {"locked": locked_accounts(), "settings_shown": shown})


@require_POST
@duty_required(Role.SECURITY_ADMIN)
def unlock(request: HttpRequest) -> HttpResponse:
    username = request.POST.get("username", "")
    account_unlock(request=request, username=username)
    messages.success(request, f"已解锁账号 {username}。")
    return redirect("accounts:security")
