import tempfile

from django.test import override_settings


class MediaInTempDir:
    """Bulletins and exports are files: keep the ones a test class writes out of the project's media."""

    @classmethod
    def setUpClass(cls) -> None:
        media = tempfile.TemporaryDirectory()
        cls.addClassCleanup(media.cleanup)
        cls.enterClassContext(override_settings(MEDIA_ROOT=media.name))
        super().setUpClass()
