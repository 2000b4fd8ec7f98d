"""Site photos: what is read from them, what is kept, who may see which copy."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from PIL.ExifTags import GPS, IFD, Base

from accounts.roles import Role
from projects.choices import EvidenceKind, Stage
from projects.models import Project, SitePhoto
from projects.photos import MAX_UPLOAD_BYTES, THUMBNAIL_EDGE, photo_process
from projects.selectors.intake import registration_checklist
from projects.selectors.photos import latest_photo, photos_by_month
from projects.services.photos import photo_add, photo_evidence_set
from tests.factories import ProjectFactory, UnitFactory, UserFactory

from . import images

ZHENGZHOU = (34.758472, 113.670069)
TAKEN = datetime(2022, 10, 12, 14, 3)


def _exif(data: bytes) -> Image.Exif:
    return Image.open(io.BytesIO(data)).getexif()


class TestWhatIsReadFromAPhoto:
    def test_a_photo_keeps_its_taking_time_and_position_from_exif(self):
        processed = photo_process(images.jpeg(taken=TAKEN, position=ZHENGZHOU))
        assert timezone.localtime(processed.taken_at).replace(tzinfo=None) == TAKEN
        assert processed.latitude == Decimal("34.758472")
        assert processed.longitude == Decimal("113.670069")

    def test_the_offset_the_camera_wrote_is_honoured(self):
        processed = photo_process(images.jpeg(taken=TAKEN, offset="+00:00"))
        assert processed.taken_at.utcoffset().total_seconds() == 0
        assert timezone.localtime(processed.taken_at).hour == 22

    def test_a_position_south_and_west_is_negative(self):
        processed = photo_process(images.jpeg(position=(-33.5, -70.25)))
        assert (processed.latitude, processed.longitude) == (Decimal("-33.5"), Decimal("-70.25"))

    def test_a_photo_without_exif_has_no_time_or_position(self):
        processed = photo_process(images.jpeg())
        assert (processed.taken_at, processed.latitude, processed.longitude) == (None, None, None)

    def test_a_taking_time_in_the_future_is_not_believed(self):
        processed = photo_process(images.jpeg(taken=datetime(2099, 1, 1)))
        assert processed.taken_at is None

    def test_a_png_is_accepted_and_its_transparency_turned_white(self):
        processed = photo_process(images.png(transparent=True))
        assert processed.source_format == "PNG"
        assert Image.open(io.BytesIO(processed.display)).format == "JPEG"

    def test_a_heic_photo_from_an_iphone_is_converted_to_jpeg(self):
        processed = photo_process(images.heic(taken=TAKEN))
        assert processed.source_format == "HEIC"
        assert Image.open(io.BytesIO(processed.master)).format == "JPEG"
        assert timezone.localtime(processed.taken_at).replace(tzinfo=None) == TAKEN

    def test_a_photo_taken_sideways_is_stored_upright(self):
        processed = photo_process(images.jpeg(size=(640, 480), orientation=6))
        assert (processed.width, processed.height) == (480, 640)

    def test_the_copies_shown_carry_no_exif_and_the_record_copy_only_time_and_place(self):
        processed = photo_process(images.jpeg(taken=TAKEN, position=ZHENGZHOU, description="相机备注"))
        assert not _exif(processed.display) and not _exif(processed.thumbnail)
        record = _exif(processed.master)
        assert record.get_ifd(IFD.Exif)[Base.DateTimeOriginal] == "2022:10:12 14:03:00"
        assert record.get_ifd(IFD.GPSInfo)[GPS.GPSLatitudeRef] == "N"
        assert Base.ImageDescription not in record and Base.Make not in record
        assert max(Image.open(io.BytesIO(processed.thumbnail)).size) <= THUMBNAIL_EDGE


@pytest.fixture
def unit():
    return UnitFactory()


@pytest.fixture
def steward():
    """The project's steward: the head of another unit (the responsible bureau's, as seed 003 says)."""
    return UserFactory(role=Role.UNIT_HEAD, unit=UnitFactory())


@pytest.fixture
def project(unit, steward):
    return ProjectFactory(reporting_unit=unit, steward=steward)


@pytest.mark.django_db
class TestStoringAPhoto:
    def test_the_three_copies_are_stored_under_names_of_our_own(self, project, steward):
        photo = photo_add(project=project, data=images.jpeg(taken=TAKEN, position=ZHENGZHOU), actor=steward)
        names = [photo.master.name, photo.display.name, photo.thumbnail.name]
        assert len(set(names)) == 3
        assert all(name.startswith(f"{project.pk}/") and name.endswith(".jpg") for name in names)
        assert all(photo.master.storage.exists(name) for name in names)
        assert photo.uploaded_by == steward and photo.uploaded_at is not None

    def test_the_same_photo_twice_on_one_project_is_refused(self, project, steward):
        data = images.jpeg(taken=TAKEN)
        photo_add(project=project, data=data, actor=steward)
        with pytest.raises(ValidationError, match="无需重复上传"):
            photo_add(project=project, data=data, actor=steward)
        assert SitePhoto.objects.filter(project=project).count() == 1

    def test_a_site_photo_without_time_or_place_is_not_registration_evidence(self, project, steward):
        with pytest.raises(ValidationError, match="拍摄位置"):
            photo_add(
                project=project, data=images.jpeg(taken=TAKEN), actor=steward, evidence_kind=EvidenceKind.SITE
            )
        assert not SitePhoto.objects.exists()
        photo = photo_add(project=project, data=images.jpeg(taken=TAKEN), actor=steward)
        photo_evidence_set(photo=photo, evidence_kind=EvidenceKind.APPROVAL, actor=steward)
        assert SitePhoto.objects.get().evidence_kind == EvidenceKind.APPROVAL

    def test_the_registration_checklist_names_what_a_started_project_lacks(self, project, steward):
        photo_add(
            project=project,
            data=images.jpeg(taken=TAKEN, position=ZHENGZHOU),
            actor=steward,
            evidence_kind=EvidenceKind.SITE,
        )
        photo_add(project=project, data=images.png(), actor=steward, evidence_kind=EvidenceKind.CONTRACT)
        ProjectFactory(stage=Stage.RESERVE, actual_start=None)
        rows = list(registration_checklist(projects=Project.objects.all()))
        assert [row.pk for row in rows] == [project.pk]
        assert (rows[0].has_approval, rows[0].has_contract, rows[0].has_site_photo) == (False, True, True)

    def test_the_latest_photo_of_a_project_is_the_latest_taken_not_the_latest_uploaded(
        self, project, steward
    ):
        newer = photo_add(
            project=project, data=images.jpeg(taken=datetime(2022, 10, 3), colour="red"), actor=steward
        )
        photo_add(project=project, data=images.jpeg(taken=datetime(2022, 9, 3)), actor=steward)
        annotated = Project.objects.annotate(**latest_photo()).get(pk=project.pk)
        assert annotated.latest_photo_id == newer.pk

    def test_photos_are_grouped_by_the_month_they_were_taken_in(self, project, steward):
        photo_add(project=project, data=images.jpeg(taken=datetime(2022, 9, 3)), actor=steward)
        photo_add(project=project, data=images.jpeg(taken=datetime(2022, 10, 3), colour="red"), actor=steward)
        assert sorted(photos_by_month(SitePhoto.objects.all())) == [(2022, 9), (2022, 10)]


@pytest.mark.django_db
class TestWhoSeesWhichCopy:
    @pytest.fixture
    def photo(self, project, steward):
        return photo_add(project=project, data=images.jpeg(taken=TAKEN, position=ZHENGZHOU), actor=steward)

    def _get(self, client, user, name, photo):
        client.force_login(user)
        return client.get(reverse(f"projects:{name}", args=[photo.pk]))

    def test_the_units_reporter_gets_every_copy_never_cached(self, client, unit, photo):
        reporter = UserFactory(role=Role.REPORTER, unit=unit)
        for name in ("photo_thumbnail", "photo_display", "photo_master"):
            response = self._get(client, reporter, name, photo)
            assert response.status_code == 200, name
            assert response["Content-Type"] == "image/jpeg"
            assert "no-store" in response["Cache-Control"]
        master = b"".join(response.streaming_content)
        assert _exif(master).get_ifd(IFD.GPSInfo)

    def test_the_steward_of_another_unit_gets_the_photos_of_their_project(self, client, steward, photo):
        assert self._get(client, steward, "photo_master", photo).status_code == 200

    def test_a_leader_sees_the_photo_but_not_its_position(self, client, photo):
        leader = UserFactory(role=Role.LEADER)
        response = self._get(client, leader, "photo_display", photo)
        assert response.status_code == 200
        assert not _exif(b"".join(response.streaming_content))
        assert self._get(client, leader, "photo_master", photo).status_code == 403
        client.force_login(leader)
        page = client.get(reverse("projects:detail", args=[photo.project_id])).content.decode()
        assert reverse("projects:photo_thumbnail", args=[photo.pk]) in page
        assert "34.758472" not in page and reverse("projects:photo_master", args=[photo.pk]) not in page

    def test_another_units_user_gets_no_copy(self, client, photo):
        outsider = UserFactory(role=Role.UNIT_HEAD, unit=UnitFactory())
        for name in ("photo_thumbnail", "photo_display", "photo_master"):
            assert self._get(client, outsider, name, photo).status_code == 403, name

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client, photo):
        response = client.get(reverse("projects:photo_display", args=[photo.pk]))
        assert response.status_code == 302 and "/login/" in response["Location"]

    def test_the_project_page_shows_the_dated_gallery_to_the_steward(self, client, steward, photo):
        client.force_login(steward)
        page = client.get(reverse("projects:detail", args=[photo.project_id])).content.decode()
        assert "现场照片（1 张）" in page and "拍摄 2022-10-12 14:03" in page and "34.758472" in page

    def test_the_desktop_upload_ignores_the_name_it_was_given(self, client, unit, project):
        reporter = UserFactory(role=Role.REPORTER, unit=unit)
        client.force_login(reporter)
        upload = SimpleUploadedFile("../../evil.php", images.jpeg(), content_type="application/x-php")
        response = client.post(
            reverse("projects:photo_upload", args=[project.pk]), {"photo": upload, "caption": "东侧"}
        )
        assert response.status_code == 302
        photo = SitePhoto.objects.get()
        assert "evil" not in photo.master.name and photo.caption == "东侧"


@pytest.mark.django_db
class TestTheUploadItself:
    def test_a_photo_over_the_size_limit_is_refused_while_it_streams_in(self, client, unit, project):
        reporter = UserFactory(role=Role.REPORTER, unit=unit)
        client.force_login(reporter)
        upload = SimpleUploadedFile("big.jpg", b"\xff\xd8" + b"\x00" * (MAX_UPLOAD_BYTES + 1))
        response = client.post(reverse("projects:photo_upload", args=[project.pk]), {"photo": upload})
        assert response.status_code == 200 and "超过 20 MB" in response.content.decode()
        assert not SitePhoto.objects.exists()

    @pytest.mark.parametrize("name", ["projects:photo_upload", "stewards:add_photo"])
    def test_the_uploads_still_check_the_csrf_token(self, unit, project, steward, name):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(steward)
        upload = SimpleUploadedFile("photo.jpg", images.jpeg())
        assert browser.post(reverse(name, args=[project.pk]), {"photo": upload}).status_code == 403
        assert not SitePhoto.objects.exists()
