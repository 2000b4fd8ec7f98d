import pytest
from django.conf import settings
from django.test.utils import override_settings


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    """Real hashing costs a third of a second per login; tests check behaviour, not key stretching."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True, scope="session")
def _identity_checks_off_unless_tested():
    """The forced password change and the second factor stand between every login and every page.
    Tests of other features log in as demo users whose passwords are never "changed", so these two
    are off here; tests/security and accounts/tests turn them on with override_settings to test them.
    Production settings are untouched (FORCE_PASSWORD_CHANGE on; OTP_REQUIRED on when DEBUG is off)."""
    with override_settings(FORCE_PASSWORD_CHANGE=False, OTP_REQUIRED=False):
        yield


@pytest.fixture(autouse=True, scope="session")
def _media_in_a_temporary_folder(tmp_path_factory):
    """Files the tests publish (bulletins, exports) and the site photos they upload never land in the
    project's media folder."""
    photos = {"BACKEND": settings.STORAGES["site_photos"]["BACKEND"]}
    photos["OPTIONS"] = {"location": str(tmp_path_factory.mktemp("site_photos"))}
    with override_settings(
        MEDIA_ROOT=str(tmp_path_factory.mktemp("media")),
        STORAGES={**settings.STORAGES, "site_photos": photos},
    ):
        yield
