"""Photos made in the tests: real ones with EXIF, and a hostile corpus of files that must be refused or
defused. Nothing is read from disk: every file is built here."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from datetime import datetime

from PIL import Image
from PIL.ExifTags import GPS, IFD, Base

SCRIPT = "<script>alert('xss')</script>"


def exif_bytes(
    *,
    taken: datetime | None = None,
    position: tuple[float, float] | None = None,
    description: str = "",
    offset: str = "",
) -> bytes:
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(IFD.Exif)[Base.DateTimeOriginal] = taken.strftime("%Y:%m:%d %H:%M:%S")
        if offset:
            exif.get_ifd(IFD.Exif)[Base.OffsetTimeOriginal] = offset
    if description:
        exif[Base.ImageDescription] = description
        exif[Base.Artist] = description
        exif[Base.Make] = description
    if position is not None:
        latitude, longitude = position
        gps = exif.get_ifd(IFD.GPSInfo)
        gps[GPS.GPSLatitudeRef] = "N" if latitude >= 0 else "S"
        gps[GPS.GPSLatitude] = _dms(abs(latitude))
        gps[GPS.GPSLongitudeRef] = "E" if longitude >= 0 else "W"
        gps[GPS.GPSLongitude] = _dms(abs(longitude))
    return exif.tobytes()


def _dms(value: float) -> tuple[float, float, float]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


def _picture(size: tuple[int, int], colour: str) -> Image.Image:
    image = Image.new("RGB", size, colour)
    # Some detail, so that two photos of one colour differ and compress like photos.
    for x in range(0, size[0], 16):
        image.putpixel((x, (x * 7) % size[1]), (255, 255, 255))
    return image


def jpeg(
    *,
    size: tuple[int, int] = (640, 480),
    colour: str = "seagreen",
    taken: datetime | None = None,
    position: tuple[float, float] | None = None,
    description: str = "",
    offset: str = "",
    orientation: int | None = None,
) -> bytes:
    out = io.BytesIO()
    exif = exif_bytes(taken=taken, position=position, description=description, offset=offset)
    if orientation is not None:
        parsed = Image.Exif()
        parsed.load(exif) if exif else None
        parsed[Base.Orientation] = orientation
        exif = parsed.tobytes()
    _picture(size, colour).save(out, format="JPEG", quality=85, exif=exif)
    return out.getvalue()


def png(*, size: tuple[int, int] = (320, 240), transparent: bool = False) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGBA" if transparent else "RGB", size, (200, 30, 30, 128) if transparent else "tan")
    image.save(out, format="PNG")
    return out.getvalue()


def heic(*, size: tuple[int, int] = (320, 240), taken: datetime | None = None) -> bytes:
    import pillow_heif  # noqa: F401  (registers the HEIF encoder with Pillow)

    out = io.BytesIO()
    _picture(size, "steelblue").save(out, format="HEIF", exif=exif_bytes(taken=taken))
    return out.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(*, edge: int = 30_000) -> bytes:
    """A few kilobytes that claim ``edge``×``edge`` pixels: 900 million zero bytes when decoded."""
    header = struct.pack(">IIBBBBB", edge, edge, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\x00" + b"\x00" * edge
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(64)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def huge_dimensions() -> bytes:
    """A real, small file of 20,000×60 pixels: few pixels in all, but an edge over the limit."""
    out = io.BytesIO()
    Image.new("L", (20_000, 60)).save(out, format="PNG")
    return out.getvalue()


def polyglot_jpeg_html_zip() -> bytes:
    """A valid JPEG with a page carrying a script in its comment, and a zip holding a script after it."""
    out = io.BytesIO()
    _picture((200, 150), "orange").save(
        out, format="JPEG", comment=f"<html><body>{SCRIPT}</body></html>".encode()
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("run.js", SCRIPT)
    return out.getvalue() + f"<html>{SCRIPT}</html>".encode() + archive.getvalue()


def html_then_jpeg() -> bytes:
    """A page that carries a JPEG after it: a browser sniffing it would find HTML."""
    return f"<!doctype html><html>{SCRIPT}</html>".encode() + jpeg(size=(50, 50))


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (40, 40)).save(out, format="GIF")
    return out.getvalue()


def svg_with_script() -> bytes:
    return f'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">{SCRIPT}</svg>'.encode()


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"


def truncated_jpeg() -> bytes:
    whole = jpeg(size=(400, 300))
    return whole[: len(whole) // 3]
