from django.apps import apps
from django.core.files.base import ContentFile
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.test import TestCase

from demo.loading import DemoSummary, demo_load


class _DemoSnapshot:
    """The rows ``demo_load`` adds, captured once per test session and inserted again later.

    Building the demo runs every service it exercises (publishing eight periods writes eight
    bulletins); restoring its rows is a bulk insert. Foreign keys are checked at commit in both
    SQLite and PostgreSQL, so the tables can be filled in any order inside a test's transaction.
    """

    summary: DemoSummary | None = None
    rows: list[tuple[type, list]] = []
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
            cls.files = cls._stored_files()
        else:
            # One transaction, so that the foreign keys are checked once all tables are filled: a
            # transactional test (the browser's live server) runs in autocommit.
            with transaction.atomic():
                for model, objects in cls.rows:
                    model._base_manager.bulk_create(objects, batch_size=500)
                with connection.cursor() as cursor:
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
    def _models() -> list[type]:
        return [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")
        ]

    @classmethod
    def _max_pks(cls) -> dict[type, int]:
        return {model: model._base_manager.aggregate(top=Max("pk"))["top"] or 0 for model in cls._models()}


class DemoTestCase(TestCase):
    """Tests that read the demo jurisdiction: loaded for each class and rolled back after it."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.demo = _DemoSnapshot.load()
