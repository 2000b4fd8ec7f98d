"""Database settings for production, checked on whichever database the suite runs on."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

# A key production accepts (long, varied): only for starting the settings in a subprocess.
TEST_SECRET_KEY = "k7#Qz!Vb9@mR2$wL5%pT8^xN3&jF6*hD1(sG4)yC0-k7#Qz!Vb9@mR2"


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """The JIT spent longer compiling the boards' aggregates than running them (bench/RESULTS.md)."""
    if connection.vendor != "postgresql":
        assert "options" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def _production_setting(expression: str, **env: str) -> str:
    environment = {key: value for key, value in os.environ.items() if key != "CONN_MAX_AGE"}
    environment.update({"DEBUG": "false", "SECRET_KEY": TEST_SECRET_KEY, **env})
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
    ).stdout.strip()


def test_production_keeps_database_connections_and_development_does_not():
    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
    assert _production_setting('settings.DATABASES["default"]["CONN_MAX_AGE"]') == "60"
    assert _production_setting('settings.DATABASES["default"]["CONN_MAX_AGE"]', CONN_MAX_AGE="5") == "5"
    assert _production_setting('settings.DATABASES["default"]["CONN_MAX_AGE"]', DEBUG="true") == "0"
