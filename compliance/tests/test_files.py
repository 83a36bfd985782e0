"""The name a stored upload is downloaded under (the views are tested in inspections)."""

import pytest

from compliance.files import download_name


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("x.exe", "image/png", "x.png"),
        ("polyglot.html", "image/jpeg", "polyglot.jpg"),
        ("bao-cao.pdf.exe", "application/pdf", "bao-cao.pdf.pdf"),
        ("ảnh hiện trường.webp", "image/webp", "ảnh hiện trường.webp"),
        ("../../etc/passwd", "image/png", "passwd.png"),
        ("..\\..\\boot.ini", "image/png", "boot.png"),
        ("a\r\nSet-Cookie: x.jpg", "image/jpeg", "aSet-Cookie: x.jpg"),
        ("", "application/pdf", "file.pdf"),
        ("...", "application/pdf", "file.pdf"),
        ("notes.txt", "text/html", "notes.bin"),
    ],
)
def test_the_download_name_takes_the_extension_of_the_detected_type(name, content_type, expected):
    assert download_name(name, content_type) == expected
