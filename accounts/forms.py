from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .lockout import account_locked_until


class LoginForm(AuthenticationForm):
    """Django's login form, telling a locked account so instead of "wrong password"."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "用户名或密码错误，请重新输入。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            until = account_locked_until(username=self.cleaned_data.get("username", ""))
            if until is not None:
                raise forms.ValidationError(
                    "连续登录失败次数过多，账号已锁定至 %(until)s，请稍后再试或联系安全管理员解锁。",
                    code="locked",
                    params={"until": until.astimezone().strftime("%H:%M")},
                ) from None
            raise


class OtpForm(forms.Form):
    code = forms.CharField(
        label="动态口令",
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
