"""Login, password change, second factor, and the 安全管理员's page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from audit.models import AuditAction, AuditResult
from audit.services import audit_record, audited
from common.lists import ListPage, ShortListPage

from .filtersets import AccountFilterSet, LockedAccountFilterSet
from .forms import LoginForm, OtpForm, RolesForm
from .lockout import account_unlock, locked_attempts, second_factor_failure_handle
from .models import User
from .permissions import authenticated_view, duty_required, public_view
from .roles import BUSINESS_ROLES, Role
from .second_factor import (
    has_second_factor,
    qr_code_svg,
    recovery_codes_left,
    recovery_codes_new,
    second_factor_verify,
    totp_device_confirm,
    totp_device_pending,
    totp_key_text,
)
from .selectors import accounts_with_roles
from .services import role_assignment_check, user_roles_set
from .tables import AccountTable, LockedAccountTable, SecuritySettingTable


def landing_url(user) -> str:
    """Where a user starts: the business home page, or the page of their administrative role."""
    if user.superuser_bypass or any(user.has_role(role) for role in BUSINESS_ROLES):
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
    """Binds an authenticator app: the key waits on an unconfirmed device until a code from the app
    is right. The page shows the key as a QR code (drawn on the server), as text and as its
    otpauth:// address; once bound, the user gets one-time recovery codes."""
    user = request.user
    if has_second_factor(user):
        return redirect("accounts:otp_verify")
    device = totp_device_pending(user=user)
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_device_confirm(device=device, code=form.cleaned_data["code"]):
            device.refresh_from_db()
            otp_login(request, device)
            audit_record(request=request, action=AuditAction.OTP_SETUP, obj=user)
            codes = recovery_codes_new(user=user)
            context = {"codes": codes, "next": _next_url(request, user)}
            return render(request, "accounts/otp_recovery_codes.html", context)
        audit_record(request=request, action=AuditAction.OTP_SETUP, obj=user, result=AuditResult.FAILURE)
        form.add_error("code", "动态口令不正确，请核对手机时间后重试。")
    context = {
        "form": form,
        "secret": totp_key_text(device),
        "uri": device.config_url,
        "qr_svg": qr_code_svg(device.config_url),
    }
    return render(request, "accounts/otp_setup.html", context)


@authenticated_view
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not has_second_factor(user):
        return redirect("accounts:otp_setup")
    form = OtpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = second_factor_verify(user=user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            audit_record(request=request, action=AuditAction.OTP_VERIFY, detail={"device": device.name})
            if isinstance(device, StaticDevice):
                left = recovery_codes_left(user=user)
                messages.warning(request, f"已使用一个恢复码，还剩 {left} 个。请尽快重新生成恢复码。")
            return redirect(_next_url(request, user))
        audit_record(request=request, action=AuditAction.OTP_VERIFY, result=AuditResult.FAILURE)
        if second_factor_failure_handle(request=request, user=user):
            logout(request)
            messages.error(request, "动态口令连续错误次数过多，账号已锁定，请稍后再试或联系安全管理员解锁。")
            return redirect("login")
        form.add_error("code", "动态口令不正确（或刚输错过，请稍等几秒再试）。")
    return render(request, "accounts/otp_verify.html", {"form": form})


@require_POST
@authenticated_view
def otp_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes, for a user who has passed the second factor in this session."""
    if not has_second_factor(request.user) or not request.user.is_verified():
        raise PermissionDenied("请先通过动态口令验证。")
    codes = recovery_codes_new(user=request.user)
    audit_record(request=request, action=AuditAction.OTP_SETUP, detail={"recovery_codes": "regenerated"})
    return render(
        request, "accounts/otp_recovery_codes.html", {"codes": codes, "next": landing_url(request.user)}
    )


SHOWN_SETTINGS = [
    ("LOGIN_FAILURE_LIMIT", "登录失败锁定次数"),
    ("LOCKOUT_MINUTES", "锁定时长及失败计数时间窗（分钟）"),
    ("AXES_LOCKOUT_PARAMETERS", "锁定依据（用户名与来源地址）"),
    ("PASSWORD_HISTORY_COUNT", "不得重复使用的最近密码个数"),
    ("SUPERUSER_BYPASS", "超级用户绕过角色（仅开发环境）"),
    ("SESSION_COOKIE_AGE", "会话空闲超时（秒）"),
    ("FORCE_PASSWORD_CHANGE", "首次登录强制修改密码"),
    ("PASSWORD_MAX_AGE_DAYS", "密码有效期（天）"),
    ("OTP_REQUIRED", "管理角色须动态口令"),
    ("AUDIT_RETENTION_DAYS", "审计日志保存期（天）"),
    ("SESSION_COOKIE_SECURE", "会话 Cookie 仅经 HTTPS"),
    ("SECURE_HSTS_SECONDS", "HSTS 时长（秒）"),
    ("CONTENT_SECURITY_POLICY", "内容安全策略"),
]


class LockedAccountList(ShortListPage):
    """安全管理: the accounts locked now, searched by username and source address, exported as seen;
    below them the effective security settings (read-only: they come from the environment, so a
    change is a deployment, not a click)."""

    template_name = "accounts/security.html"
    filterset_class = LockedAccountFilterSet
    table_class = LockedAccountTable
    title = "已锁定的账号"

    def queryset(self, request):
        return locked_attempts()

    def extra_context(self, request, filterset, table) -> dict:
        shown = [{"label": label, "value": getattr(settings, name, "—")} for name, label in SHOWN_SETTINGS]
        return {"settings_table": SecuritySettingTable(shown)}


LOCKED_ACCOUNT_LIST = LockedAccountList()


@duty_required(Role.SECURITY_ADMIN)
def security(request: HttpRequest) -> HttpResponse:
    return LOCKED_ACCOUNT_LIST.page(request)


@duty_required(Role.SECURITY_ADMIN)
@audited(AuditAction.EXPORT)
def security_export(request: HttpRequest) -> HttpResponse:
    return LOCKED_ACCOUNT_LIST.export(request)


@require_POST
@duty_required(Role.SECURITY_ADMIN)
def unlock(request: HttpRequest) -> HttpResponse:
    username = request.POST.get("username", "")
    account_unlock(request=request, username=username)
    messages.success(request, f"已解锁账号 {username}。")
    return redirect("accounts:security")


class AccountList(ListPage):
    """角色分配: the 安全管理员's list of accounts and their roles (the only place roles are assigned)."""

    template_name = "accounts/roles.html"
    filterset_class = AccountFilterSet
    table_class = AccountTable

    def queryset(self, request):
        return accounts_with_roles()

    def table_kwargs(self, request) -> dict[str, object]:
        return {"user": request.user}


ACCOUNT_LIST = AccountList()


@duty_required(Role.SECURITY_ADMIN)
def roles(request: HttpRequest) -> HttpResponse:
    return ACCOUNT_LIST.page(request)


@duty_required(Role.SECURITY_ADMIN)
def roles_edit(request: HttpRequest, account_id: int) -> HttpResponse:
    account = get_object_or_404(User, pk=account_id)
    role_assignment_check(actor=request.user, user=account)
    form = RolesForm(request.POST or None, initial={"roles": sorted(account.role_names)})
    if request.method == "POST" and form.is_valid():
        granted, revoked = user_roles_set(actor=request.user, user=account, roles=form.cleaned_data["roles"])
        changes = [*(f"授予{role}" for role in sorted(granted)), *(f"撤销{role}" for role in sorted(revoked))]
        messages.success(request, f"{account.username}：{'、'.join(changes) or '角色未变'}。")
        return redirect("accounts:roles")
    return render(request, "accounts/roles_edit.html", {"form": form, "account": account})
