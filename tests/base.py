from django.test import TestCase

from reporting.demo import demo_load


class DemoTestCase(TestCase):
    """Tests that read the demo jurisdiction: it is loaded once per class and rolled back after."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.demo = demo_load()
