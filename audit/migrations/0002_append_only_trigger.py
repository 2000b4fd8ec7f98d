"""On PostgreSQL the database itself keeps the audit log append-only, whatever the application does.

UPDATE and TRUNCATE are always refused. DELETE is refused unless the transaction has set
``audit.purge_days`` (as ``audit_purge`` does) to at least 180 and the row is older than that many
days: the one path that deletes is the retention purge, and even a session that sets the variable
by hand cannot remove anything younger than six months (网络安全法 第二十一条).

TRUNCATE is let through only in Django's throw-away test databases (named ``test_…``), which the
test runner empties between transactional tests; a production database is never named so.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION audit_auditevent_append_only() RETURNS trigger AS $$
DECLARE
    days integer := coalesce(nullif(current_setting('audit.purge_days', true), ''), '0')::integer;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF days >= 180 AND OLD.time < now() - make_interval(days => days) THEN
            RETURN OLD;
        END IF;
    ELSIF TG_OP = 'TRUNCATE' AND current_database() LIKE 'test\_%' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '审计日志只能追加，不能修改或删除（%）', TG_OP;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_auditevent_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_auditevent_append_only();
CREATE TRIGGER audit_auditevent_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_auditevent_no_update_delete ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_auditevent_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
