"""The application's own PostgreSQL role (等保2.0 安全审计: 审计记录的保护).

The owner role owns every table and runs the migrations; the application connects as another
role, neither superuser nor owner, which may read and write the business tables but only read and
append to the audit log and the figure history tables: no UPDATE, DELETE or TRUNCATE there, and as
it owns nothing it cannot disable a trigger or switch ``session_replication_role`` either. The
owner runs ``manage.py db_grant_app_role ROLE`` after every migration (compose does).
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection as default_connection
from psycopg import sql
from simple_history.models import HistoricalChanges

from .models import AuditEvent


def append_only_tables() -> list[str]:
    """The audit log and every simple_history table: the record of who changed what."""
    history = [
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, HistoricalChanges) and not model._meta.proxy
    ]
    return sorted({AuditEvent._meta.db_table, *history})


def app_role_grant(*, role: str, connection=default_connection) -> list[str]:
    """Give ``role`` what the application needs and no more; returns the statements run."""
    if connection.vendor != "postgresql":
        raise RuntimeError("数据库角色分离只适用于 PostgreSQL。")
    name = sql.Identifier(role)
    statements = [
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {}").format(name),
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(name),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(name),
    ]
    for table in append_only_tables():
        statements.append(
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table), name)
        )
    with connection.cursor() as cursor:
        raw = cursor.connection
        texts = [statement.as_string(raw) for statement in statements]
        for text in texts:
            cursor.execute(text)
    return texts


def role_is_safe(*, role: str, connection=default_connection) -> list[str]:
    """What is wrong with ``role`` as the application's role (empty when nothing is)."""
    problems = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = %s", [role])
        row = cursor.fetchone()
        if row is None:
            return [f"角色 {role} 不存在"]
        if row[0]:
            problems.append(f"角色 {role} 是超级用户")
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = %s", [role]
        )
        owned = [name for (name,) in cursor.fetchall()]
        if owned:
            problems.append(f"角色 {role} 拥有数据表：{'、'.join(owned[:5])}")
    return problems
