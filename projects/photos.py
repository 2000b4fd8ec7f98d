"""Site photos as uploaded from a phone: checked by decoding, never trusted by their name or type.

An upload is read only by Pillow and only as JPEG, PNG or HEIC (pillow-heif); its size and pixel count
are checked before a single pixel is decoded, so a decompression bomb is refused from its header. What
is kept is never the uploaded bytes: three new JPEG files are written from the decoded pixels:

- the record copy (``master``): full size, with only the taking time and the GPS position written back
  into its EXIF; shown only to those who need the location (``projects.access.can_see_photo_location``);
- the display copy: at most ``DISPLAY_EDGE`` pixels on its long side, with no metadata at all;
- the thumbnail: at most ``THUMBNAIL_EDGE`` pixels, no metadata.

So nothing an upload smuggles along (a script in a comment or an EXIF text, a zip or a page appended
after the image) reaches a file the product serves.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError
from PIL.ExifTags import GPS, IFD, Base
from pillow_heif import register_heif_opener

register_heif_opener()  # iPhones take HEIC: decoded by pillow-heif, then written as JPEG like any other

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 48-megapixel phone camera fits; anything larger is refused unread
MAX_EDGE = 12_000
DISPLAY_EDGE = 1600
THUMBNAIL_EDGE = 320
RECORD_QUALITY = 90
COPY_QUALITY = 85
ACCEPTED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "HEIF": "HEIC"}
COORDINATE = Decimal("0.000001")
_TOO_LARGE = f"超过上限：每边不超过 {MAX_EDGE} 像素，总计不超过 {MAX_PIXELS // 1_000_000} 百万像素。"


@dataclass(frozen=True)
class ProcessedPhoto:
    """What an accepted upload becomes: the three JPEG files and what was read from it."""

    master: bytes
    display: bytes
    thumbnail: bytes
    source_format: str
    width: int
    height: int
    taken_at: datetime | None
    latitude: Decimal | None
    longitude: Decimal | None
    sha256: str


TOO_BIG = f"照片文件超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB，请压缩后重新上传。"


class PhotoSizeLimit(FileUploadHandler):
    """Stops reading an uploaded file once it passes MAX_UPLOAD_BYTES, so an oversized one never
    reaches memory or the disk whole; the refusal is left on the request (``upload_refusal``)."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > MAX_UPLOAD_BYTES:
            self.request.photo_upload_refusal = TOO_BIG
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def upload_refusal(request) -> str:
    """Why the request's photo was refused while it streamed in, or ""."""
    return getattr(request, "photo_upload_refusal", "")


def upload_read(upload) -> bytes:
    """The bytes of an uploaded file, refused unread when it is over the size limit."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise _refuse(TOO_BIG)
    return upload.read()


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="bad_photo")


def photo_process(data: bytes, *, now: datetime | None = None) -> ProcessedPhoto:
    """Decode ``data`` as a photo and write its three copies; a ValidationError names why not."""
    if not data:
        raise _refuse("照片是空文件。")
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse(TOO_BIG)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse("照片尺寸" + _TOO_LARGE) from None
        except UnidentifiedImageError:
            raise _refuse("只能上传 JPEG、PNG 或 HEIC 格式的照片。") from None
        except Exception:
            raise _refuse("照片文件已损坏，无法读取。") from None
        width, height = image.size
        if width < 1 or height < 1 or width > MAX_EDGE or height > MAX_EDGE or width * height > MAX_PIXELS:
            raise _refuse(f"照片尺寸 {width}×{height} {_TOO_LARGE}")
        try:
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse("照片尺寸" + _TOO_LARGE) from None
        except Exception:
            raise _refuse("照片文件已损坏或不完整，无法读取。") from None
    exif = image.getexif()
    taken_at = exif_taken_at(exif, now=now or timezone.now())
    latitude, longitude = exif_position(exif)
    source_format = ACCEPTED_FORMATS[image.format]
    upright = _as_rgb(ImageOps.exif_transpose(image))
    width, height = upright.size
    return ProcessedPhoto(
        master=_jpeg(upright, quality=RECORD_QUALITY, exif=_record_exif(exif)),
        display=_jpeg(_shrunk(upright, DISPLAY_EDGE), quality=COPY_QUALITY),
        thumbnail=_jpeg(_shrunk(upright, THUMBNAIL_EDGE), quality=COPY_QUALITY),
        source_format=source_format,
        width=width,
        height=height,
        taken_at=taken_at,
        latitude=latitude,
        longitude=longitude,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _as_rgb(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: a PNG's transparent parts become white."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _shrunk(image: Image.Image, edge: int) -> Image.Image:
    copy = image.copy()
    copy.thumbnail((edge, edge), Image.Resampling.LANCZOS)
    return copy


def _jpeg(image: Image.Image, *, quality: int, exif: bytes = b"") -> bytes:
    out = io.BytesIO()
    # Pillow would carry the source's comment (and other ``info``) into the new file: only the pixels
    # (and ``exif``) are written.
    pixels = image.copy()
    pixels.info = {}
    pixels.save(out, format="JPEG", quality=quality, optimize=True, exif=exif)
    return out.getvalue()


def _record_exif(source: Image.Exif) -> bytes:
    """The record copy's EXIF: the taking time and the GPS block, nothing else (no texts)."""
    kept = Image.Exif()
    taken = source.get_ifd(IFD.Exif).get(Base.DateTimeOriginal)
    if isinstance(taken, str) and _parse_exif_time(taken) is not None:
        kept[Base.DateTime] = taken
        kept.get_ifd(IFD.Exif)[Base.DateTimeOriginal] = taken
    latitude, longitude = exif_position(source)
    if latitude is not None:
        gps = kept.get_ifd(IFD.GPSInfo)
        gps[GPS.GPSLatitudeRef] = "N" if latitude >= 0 else "S"
        gps[GPS.GPSLatitude] = _dms(abs(latitude))
        gps[GPS.GPSLongitudeRef] = "E" if longitude >= 0 else "W"
        gps[GPS.GPSLongitude] = _dms(abs(longitude))
    return kept.tobytes() if len(kept) or latitude is not None else b""


def _dms(value: Decimal) -> tuple[float, float, float]:
    degrees = int(value)
    minutes_full = (value - degrees) * 60
    minutes = int(minutes_full)
    seconds = float((minutes_full - minutes) * 60)
    return (float(degrees), float(minutes), round(seconds, 4))


def _parse_exif_time(text: str) -> datetime | None:
    try:
        return datetime.strptime(text.strip().rstrip("\x00"), "%Y:%m:%d %H:%M:%S")
    except (ValueError, AttributeError):
        return None


def exif_taken_at(exif: Image.Exif, *, now: datetime) -> datetime | None:
    """拍摄时间: EXIF DateTimeOriginal (with its offset when the camera wrote one, else the
    deployment's time zone); None when missing, unreadable, before 2000 or more than a day ahead."""
    details = exif.get_ifd(IFD.Exif)
    raw = details.get(Base.DateTimeOriginal) or exif.get(Base.DateTime)
    if not isinstance(raw, str):
        return None
    taken = _parse_exif_time(raw)
    if taken is None:
        return None
    offset = details.get(Base.OffsetTimeOriginal)
    parsed_offset = None
    if isinstance(offset, str):
        try:
            parsed_offset = datetime.strptime(offset.strip().rstrip("\x00"), "%z").tzinfo
        except ValueError:
            parsed_offset = None
    taken = (
        taken.replace(tzinfo=parsed_offset)
        if parsed_offset is not None
        else timezone.make_aware(taken, timezone.get_default_timezone())
    )
    if taken.year < 2000 or taken > now + timedelta(days=1):
        return None
    return taken


def _degrees(value, ref) -> Decimal | None:
    try:
        degrees, minutes, seconds = (Decimal(str(float(part))) for part in value)
    except (TypeError, ValueError, ZeroDivisionError, ArithmeticError):
        return None
    if not all(part.is_finite() and part >= 0 for part in (degrees, minutes, seconds)):
        return None
    result = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if isinstance(ref, str) and ref.strip().upper() in ("S", "W"):
        result = -result
    return result.quantize(COORDINATE, rounding=ROUND_HALF_UP)


def exif_position(exif: Image.Exif) -> tuple[Decimal | None, Decimal | None]:
    """拍摄位置 (latitude, longitude) in degrees from the EXIF GPS block; (None, None) when missing or
    out of range."""
    gps = exif.get_ifd(IFD.GPSInfo)
    if not gps:
        return None, None
    latitude = _degrees(gps.get(GPS.GPSLatitude), gps.get(GPS.GPSLatitudeRef))
    longitude = _degrees(gps.get(GPS.GPSLongitude), gps.get(GPS.GPSLongitudeRef))
    if latitude is None or longitude is None or abs(latitude) > 90 or abs(longitude) > 180:
        return None, None
    return latitude, longitude
