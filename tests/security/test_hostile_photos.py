"""A hostile-image corpus, generated here, through the steward's photo upload.

Every file goes through the phone's endpoint as the project's steward would send it, under an
innocent name and type (``photo.jpg``, ``image/jpeg``), so nothing but its content decides. Kinds that
are not a real photo are refused with a Chinese message, leaving no row and no file behind. Kinds that
are a real photo carrying something else (a script in a comment or in EXIF texts, a page and a zip
appended) are accepted, and nothing they carried reaches any stored copy or page.
"""

from __future__ import annotations

import re
import uuid

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from projects.models import SitePhoto
from projects.photos import MAX_UPLOAD_BYTES
from projects.tests import images
from tests.factories import ProjectFactory, UnitFactory, UserFactory

CHINESE = re.compile(r"[\u4e00-\u9fff]")

REFUSED = {
    "decompression bomb (30000×30000 PNG in a few KB)": (images.png_bomb, "超过上限"),
    "huge dimensions (20000 px wide)": (images.huge_dimensions, "超过上限"),
    "GIF": (images.gif, "JPEG、PNG 或 HEIC"),
    "SVG with a script": (images.svg_with_script, "JPEG、PNG 或 HEIC"),
    "PDF named .jpg": (images.pdf, "JPEG、PNG 或 HEIC"),
    "HTML page with a JPEG after it": (images.html_then_jpeg, "JPEG、PNG 或 HEIC"),
    "truncated JPEG": (images.truncated_jpeg, "损坏"),
    "empty file": (lambda: b"", "空文件"),
    "over the size limit": (lambda: b"\xff\xd8\xff" + b"\x00" * MAX_UPLOAD_BYTES, "MB"),
}

DEFUSED = {
    "polyglot: JPEG + HTML comment + appended page and zip": images.polyglot_jpeg_html_zip,
    "EXIF texts carrying a script": lambda: images.jpeg(description=images.SCRIPT),
}


@pytest.fixture
def steward(db):
    return UserFactory(role=Role.UNIT_HEAD, unit=UnitFactory())


@pytest.fixture
def project(steward):
    return ProjectFactory(steward=steward)


def _send(client, project, data: bytes):
    return client.post(
        reverse("stewards:add_photo", args=[project.pk]),
        {"photo": SimpleUploadedFile("photo.jpg", data, content_type="image/jpeg")},
        headers={"X-Idempotency-Key": str(uuid.uuid4()), "Accept": "application/json"},
    )


def _stored_files() -> list[str]:
    storage = storages["site_photos"]
    found = []
    for folder in storage.listdir("")[0]:
        found += [f"{folder}/{name}" for name in storage.listdir(folder)[1]]
    return found


@pytest.mark.parametrize("kind", list(REFUSED))
def test_a_file_that_is_not_a_real_photo_is_refused_and_leaves_nothing(client, steward, project, kind):
    make, message = REFUSED[kind]
    before = set(_stored_files())
    client.force_login(steward)
    response = _send(client, project, make())
    assert response.status_code == 400, kind
    answer = response.json()
    assert answer["ok"] is False and message in answer["message"] and CHINESE.search(answer["message"])
    assert not SitePhoto.objects.exists()
    assert set(_stored_files()) == before


@pytest.mark.parametrize("kind", list(DEFUSED))
def test_a_real_photo_carrying_something_else_is_kept_without_it(client, steward, project, kind):
    client.force_login(steward)
    response = _send(client, project, DEFUSED[kind]())
    assert response.status_code == 200 and response.json()["ok"], response.content
    photo = SitePhoto.objects.get()
    for field in (photo.master, photo.display, photo.thumbnail):
        with field.open("rb") as stored:
            content = stored.read()
        assert b"script" not in content.lower() and b"<html" not in content.lower(), field.name
        assert b"PK\x03\x04" not in content, field.name
        assert content.startswith(b"\xff\xd8")
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert images.SCRIPT not in page
    served = client.get(reverse("projects:photo_display", args=[photo.pk]))
    assert served["Content-Type"] == "image/jpeg" and served["X-Content-Type-Options"] == "nosniff"
