"""Builders for rounds and answers, and small real files to upload, shared by the tests."""

import itertools
import struct
import zlib

from inspections.default_checklist import ensure_default_checklist
from inspections.models import Checklist, Criterion
from inspections.services import answer_save, round_create

_round_numbers = itertools.count(1)

# The default checklist's criteria, in order.
CODES = [
    "CB01",
    "CB02",
    "TC01",
    "CS01",
    "MT01",
    "RR01",
    "QT01",
    "HS01",
    "KS01",
    "DG01",
    "XX01",
    "KP01",
]


def make_round(province, agencies, inspectors=(), number=None, year=2026, **fields):
    """A round on the default checklist with a draft inspection per agency."""
    # Transactional tests empty every table, the migrated checklist included.
    ensure_default_checklist(Checklist, Criterion)

    return round_create(
        user=None,
        province=province,
        agencies=agencies,
        inspectors=list(inspectors),
        year=year,
        number=number or next(_round_numbers),
        checklist=fields.pop("checklist", None) or Checklist.objects.get(code="QD19-2015"),
        **fields,
    )


def answer_all(inspection, user, result="conforming", note=""):
    """Answer every criterion of an inspection through the service, as the page does."""
    for answer in inspection.answers.select_related("inspection"):
        answer_save(answer=answer, user=user, result=result, note=note, base_version=answer.version)


def answer_of(inspection, code):
    return inspection.answers.select_related("inspection").get(criterion__code=code)


# Real files, as small as their formats allow.


def _png():
    """A real 1×1 grey PNG."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


# A real 1×1 grey baseline JPEG (decodes in Chromium): one 8×8 block holding DC 0 and
# end-of-block, with one-code Huffman tables so that no standard table is needed.
JPEG_BYTES = b"".join(
    [
        b"\xff\xd8",  # SOI
        b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",  # APP0
        b"\xff\xdb\x00\x43\x00" + b"\x01" * 64,  # DQT: every quantiser 1
        b"\xff\xc0\x00\x0b\x08\x00\x01\x00\x01\x01\x01\x11\x00",  # SOF0: 1×1, one component
        b"\xff\xc4\x00\x14\x00\x01" + b"\x00" * 15 + b"\x00",  # DHT: DC table 0
        b"\xff\xc4\x00\x14\x10\x01" + b"\x00" * 15 + b"\x00",  # DHT: AC table 0
        b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00",  # SOS
        b"\x3f",  # scan: DC "0", EOB "0", padded with ones
        b"\xff\xd9",  # EOI
    ]
)
PNG_BYTES = _png()
PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48
