"""Production settings: `check --deploy` clean, the security headers, and a CSP the pages satisfy."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def _production_env(**overrides) -> dict:
    # Only what production has: no overrides of the security settings, and not the async escape
    # hatch the browser tests set in this process for Playwright.
    unset = ("SECURE_", "OTP_", "SESSION_", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if not k.startswith(unset)}
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": "k7#Qz!" + "Vb9@mR2$wL5%pT8^xN3&jF6*hD1(sG4)yC0" * 2,
            "ALLOWED_HOSTS": "investtrack.example.gov.cn",
            **overrides,
        }
    )
    return env


def test_check_deploy_passes_without_warnings_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = _production_env()
    env.pop("SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("key", ["x", "x" * 60, "django-insecure-" + "a1b2c3d4e5" * 5, "short-Key#1"])
def test_production_refuses_to_start_with_a_weak_secret_key(key):
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=_production_env(SECRET_KEY=key),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY 太弱" in result.stderr


def test_openpyxl_reads_workbooks_through_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML


def test_loaddemo_refuses_to_create_known_passwords_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "loaddemo"],
        cwd=ROOT,
        env=_production_env(DATABASE_URL="sqlite:////nonexistent/never-opened.sqlite3"),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "--allow-production" in result.stderr


@pytest.mark.django_db
def test_every_page_carries_the_security_headers(client):
    response = client.get(reverse("login"))
    assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY
    assert "script-src 'self';" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def test_no_template_has_an_inline_event_handler():
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if INLINE_HANDLER.search(path.read_text())
    ]
    assert not found, (
        f"CSP script-src 'self' blocks on…= handlers; use data-confirm (static/js/confirm.js): {found}"
    )


def test_no_template_has_an_inline_script():
    found = [
        str(path.relative_to(ROOT / "templates"))
        for path in (ROOT / "templates").rglob("*.html")
        if INLINE_SCRIPT.search(path.read_text())
    ]
    assert not found, f"CSP script-src 'self' blocks inline <script>; move it into static/js: {found}"


def test_compose_runs_the_app_as_its_own_role_and_trusts_the_proxys_address():
    compose = (ROOT / "docker-compose.yml").read_text()
    app_environment = compose.split("x-app-environment:")[1].split("\nx-app:")[0]
    assert 'AUDIT_TRUST_X_FORWARDED_FOR: "true"' in app_environment
    assert "HTTP_X_FORWARDED_PROTO,https" in app_environment
    assert "postgres://investtrack_app:" in app_environment
    migrate = compose.split("\n  migrate:\n")[1].split("\n  web:")[0]
    assert "postgres://investtrack_owner:" in migrate and "db_grant_app_role investtrack_app" in migrate
    web = compose.split("\n  web:")[1].split("\n  worker:")[0]
    assert "migrate" not in web.split("command:")[1].split("\n")[0], (
        "the app does not migrate as its own role"
    )
    assert "${WEB_BIND:-127.0.0.1}" in web, "only the proxy on the host reaches the app"
    init = (ROOT / "deploy/postgres/create-app-role.sh").read_text()
    assert "CREATE ROLE investtrack_app LOGIN NOSUPERUSER" in init
