"""Settings that only matter on PostgreSQL, checked on whichever database the suite runs on."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_postgresql_connections_run_without_jit():
    """The JIT spent longer compiling the boards' aggregates than running them (bench/RESULTS.md)."""
    if connection.vendor != "postgresql":
        assert "options" not in connection.settings_dict.get("OPTIONS", {})
        return
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
