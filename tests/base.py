from datetime import date, datetime

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import DateTimeField, Max
from django.test import TestCase
from django.utils import timezone

from demo.loading import DemoSummary, demo_load


class _DemoSnapshot:
    """The rows ``demo_load`` adds, captured once per test session and inserted again later.

    Building the demo runs every service it exercises (publishing eight periods writes eight
    bulletins); restoring its rows is a bulk insert. Foreign keys are checked at commit in both
    SQLite and PostgreSQL, so the tables can be filled in any order inside a test's transaction.

    The rows are kept as each table's INSERT and its values already converted for the database, so
    that a restore is one ``executemany`` per table rather than a ``bulk_create`` preparing every
    field of every row again. As ``bulk_create`` does, a restore stamps the fields that Django fills
    on saving (``auto_now``, ``auto_now_add``) with the time of the restore.
    """

    summary: DemoSummary | None = None
    rows: list[tuple[type, list]] = []
    inserts: list[tuple[type, str, list[tuple], dict[int, object]]] = []
    files: list[tuple[object, str, bytes]] = []

    @classmethod
    def load(cls) -> DemoSummary:
        if cls.summary is None:
            before = cls._max_pks()
            cls.summary = demo_load()
            cls.rows = [
                (model, list(model._base_manager.filter(pk__gt=before[model]).order_by("pk")))
                for model in cls._models()
            ]
            cls.rows = [(model, objects) for model, objects in cls.rows if objects]
            cls.inserts = [cls._insert(model, objects) for model, objects in cls.rows]
            cls.files = cls._stored_files()
        else:
            # One transaction, so that the foreign keys are checked once all tables are filled: a
            # transactional test (the browser's live server) runs in autocommit.
            now = timezone.now()
            with transaction.atomic(), connection.cursor() as cursor:
                for _model, insert, values, stamped in cls.inserts:
                    cursor.executemany(insert, cls._stamp(values, stamped, now))
                for sql in connection.ops.sequence_reset_sql(no_style(), [model for model, _ in cls.rows]):
                    cursor.execute(sql)
            # A class may have its own media folder: the demo's stored files (bulletins) go there too.
            for storage, name, content in cls.files:
                if not storage.exists(name):
                    storage.save(name, ContentFile(content))
        return cls.summary

    @classmethod
    def _stored_files(cls) -> list[tuple[object, str, bytes]]:
        files = []
        for model, objects in cls.rows:
            for field in model._meta.fields:
                if field.get_internal_type() != "FileField":
                    continue
                for obj in objects:
                    stored = getattr(obj, field.name)
                    if stored:
                        with stored.open("rb") as handle:
                            files.append((stored.storage, stored.name, handle.read()))
        return files

    @staticmethod
    def _insert(model: type, objects: list) -> tuple[type, str, list[tuple], dict[int, object]]:
        """The table's INSERT, each row's values as the database takes them, and the fields a save
        stamps with the current time (by their position in the row)."""
        fields = model._meta.local_concrete_fields
        name = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(
            name(model._meta.db_table),
            ", ".join(name(field.column) for field in fields),
            ", ".join(["%s"] * len(fields)),
        )
        values = [
            tuple(field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields)
            for obj in objects
        ]
        stamped = {
            index: field
            for index, field in enumerate(fields)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        }
        return model, sql, values, stamped

    @staticmethod
    def _stamp(values: list[tuple], stamped: dict[int, object], now: datetime) -> list[tuple]:
        if not stamped:
            return values
        stamps = {}
        for index, field in stamped.items():
            value = now if isinstance(field, DateTimeField) else date.today()
            stamps[index] = field.get_db_prep_save(value, connection)
        return [tuple(stamps.get(index, value) for index, value in enumerate(row)) for row in values]

    @staticmethod
    def _models() -> list[type]:
        return [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")
        ]

    @classmethod
    def _max_pks(cls) -> dict[type, int]:
        return {model: model._base_manager.aggregate(top=Max("pk"))["top"] or 0 for model in cls._models()}


def demo_rows_insert() -> DemoSummary:
    """The demo jurisdiction in the database: ``demo_load`` the first time in a session, its rows
    inserted again after that."""
    return _DemoSnapshot.load()


class DemoTestCase(TestCase):
    """Tests that read the demo jurisdiction: loaded for each class and rolled back after it."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.demo = demo_rows_insert()
