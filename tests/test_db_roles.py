"""Two database roles (issue 14, M2): the application's role may read and append to the audit log
and the figure history, and cannot alter them in any way, not even by switching triggers off.

Run by .ci/run on PostgreSQL (``pytest -m dbroles``); on SQLite it fails rather than skips."""

import uuid

import psycopg
import pytest
from django.db import connection

from audit.db_roles import app_role_grant, append_only_tables, role_is_safe
from audit.models import AuditAction
from audit.services import audit_record
from reporting.services.ranking_rows import NEW_ROWS

pytestmark = [pytest.mark.dbroles, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def app_role():
    assert connection.vendor == "postgresql", "the database roles are PostgreSQL's: run with DATABASE_URL"
    role = f"investtrack_app_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE')
    try:
        app_role_grant(role=role)
        yield role
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP OWNED BY "{role}"')
            cursor.execute(f'DROP ROLE "{role}"')


def connect_as(role: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=role,
        password=settings.get("PASSWORD") or None,
        dbname=settings["NAME"],
        autocommit=True,
    )


def test_the_application_role_is_neither_superuser_nor_owner(app_role):
    assert role_is_safe(role=app_role) == []
    assert role_is_safe(role=connection.settings_dict["USER"] or "postgres") != []


def test_the_application_role_appends_to_the_log_and_cannot_alter_it(app_role):
    audit_record(action=AuditAction.LOGIN, username="before")
    history = [table for table in append_only_tables() if table != "audit_auditevent"]
    assert "targets_historicaltarget" in history and "reporting_historicalofficialfigure" in history
    with connect_as(app_role) as app:
        app.execute(
            "INSERT INTO audit_auditevent (time, username, action, object_type, object_id, object_repr,"
            " result, detail) VALUES (now(), 'app', 'login', '', '', '', 'success', '{}')"
        )
        assert app.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] == 2
        # The business tables are the application's to change.
        app.execute("UPDATE targets_unit SET sort_order = sort_order")
        # The ranking merges its rows through a temporary table of its own (``ranking_rows_write``).
        app.execute(f"CREATE TEMPORARY TABLE {NEW_ROWS} AS SELECT * FROM reporting_rankingrow WHERE 1 = 0")
        refused = [
            "UPDATE audit_auditevent SET username = 'someone else'",
            "DELETE FROM audit_auditevent",
            "TRUNCATE audit_auditevent",
            "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
            "SET session_replication_role = replica",
            *(f"UPDATE {table} SET history_date = now()" for table in history),
            *(f"DELETE FROM {table}" for table in history),
            *(f"TRUNCATE {table}" for table in history),
        ]
        for statement in refused:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                app.execute(statement)
        assert app.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0] == 2
        assert app.execute("SELECT username FROM audit_auditevent ORDER BY id").fetchall() == [
            ("before",),
            ("app",),
        ]
