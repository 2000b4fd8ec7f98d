from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .roles import Role


class LoginForm(AuthenticationForm):
    """Django's login form with Chinese messages (a locked login is answered by the lockout page)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "用户名或密码错误，请重新输入。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }


class OtpForm(forms.Form):
    code = forms.CharField(
        label="动态口令",
        max_length=16,
        help_text="身份验证器应用中的 6 位数字；手机丢失时可输入一个恢复码（每个只能用一次）。",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label="角色", choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
