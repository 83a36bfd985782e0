"""Hostile spreadsheets, built by hand: each is a few lines of zipfile or csv.

`AGENCY_LISTS` and `data_sheet_attacks` pair each file with the start of the one line it
must be refused with, so every way in (commands, round page, admin) is tested with all.
"""

import io
import zipfile

from agencies.resources import import_limits

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8"?>'
MINIMAL_PARTS = {
    "[Content_Types].xml": (
        f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'{XML}<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'{XML}<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'{XML}<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
SHEET = "xl/worksheets/sheet1.xml"


def zipped(parts):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def minimal_xlsx(sheet_xml, **extra_parts):
    return zipped({**MINIMAL_PARTS, SHEET: sheet_xml, **extra_parts})


def bad_checksum():
    """A stored (not packed) workbook with one byte of its sheet changed after zipping."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, content in {**MINIMAL_PARTS, SHEET: sheet({1: [cell("A1", "code")]})}.items():
            archive.writestr(name, content)
    return buffer.getvalue().replace(b">code<", b">c0de<")


def replace_part(data, name, content):
    """`data` (an .xlsx) with one part replaced (or removed: None), the others as they are."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    parts[name] = content
    return zipped({name: content for name, content in parts.items() if content is not None})


def cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def sheet(rows, dimension=None, doctype=""):
    """Sheet XML; rows: {row number: [cell xml, ...]}."""
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = "".join(f'<row r="{n}">{"".join(cells)}</row>' for n, cells in rows.items())
    data = f"<sheetData>{body}</sheetData>"
    return f'{XML}{doctype}<worksheet xmlns="{MAIN}">{declared}{data}</worksheet>'


def dimension_bomb(header="code"):
    """1.5 KB that once made openpyxl pad a million rows of 16,384 cells each."""
    return sheet(
        {1: [cell("A1", header)], 1048576: [cell("XFD1048576", "x")]},
        dimension="A1:XFD1048576",
    )


def far_column(header="code"):
    return sheet({1: [cell("A1", header)], 2: [cell("A2", "x"), cell("XFD2", "x")]})


def crowded_row(header="code"):
    """One row of 16,385 cells, all claiming column A: past what any real row holds."""
    cells = "".join(f'<c r="A2"><v>{number}</v></c>' for number in range(16_385))
    return sheet({1: [cell("A1", header)], 2: [cells]})


def long_cell(header="code"):
    return sheet({1: [cell("A1", header)], 2: [cell("A2", "x" * 40_000)]})


BILLION_LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)
EXTERNAL_ENTITY = '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


def entity_sheet(doctype, entity, header="code"):
    return sheet({1: [cell("A1", header)], 2: [cell("A2", f"&{entity};")]}, doctype=doctype)


MALFORMED = f'{XML}<worksheet xmlns="{MAIN}"><sheetData><row>'
# 2 MB of one letter packs into a few KB: far past the ratio of 100.
ZIP_BOMB = f'{XML}<sst xmlns="{MAIN}"><si><t>{"A" * 2 * 1024 * 1024}</t></si></sst>'
ENTITIES = "is refused: its XML declares a DOCTYPE or entities"


def agency_lists():
    """(id, file name, bytes, the start of the refusal) for the agency imports."""
    only_types = zipped({"[Content_Types].xml": MINIMAL_PARTS["[Content_Types].xml"]})
    zip_bomb = minimal_xlsx(sheet({1: []}), **{"xl/sharedStrings.xml": ZIP_BOMB})
    rows, columns = import_limits().rows, import_limits().columns
    return [
        ("dimension", "bomb.xlsx", minimal_xlsx(dimension_bomb()),
         "bomb.xlsx, sheet «Sheet1» has more than 100001 rows"),
        ("far-column", "wide.xlsx", minimal_xlsx(far_column()),
         f"wide.xlsx, sheet «Sheet1», row 2: a value in column XFD, beyond the {columns} columns"),
        ("crowded-row", "crowded.xlsx", minimal_xlsx(crowded_row()),
         "crowded.xlsx holds more cells than this kind of file may have (in "
         f"xl/worksheets/sheet1.xml: at most {rows * columns}, and 16384 in a row)"),
        ("long-cell", "long.xlsx", minimal_xlsx(long_cell()),
         "long.xlsx, sheet «Sheet1», row 2, column A: the cell holds 40000 characters; "
         "at most 32767"),
        ("zip-bomb", "zipbomb.xlsx", zip_bomb,
         "zipbomb.xlsx: the part xl/sharedStrings.xml unpacks to 2.0 MB, more than 100 times"),
        ("billion-laughs", "laughs.xlsx", minimal_xlsx(entity_sheet(BILLION_LAUGHS, "lol3")),
         f"laughs.xlsx {ENTITIES}"),
        ("external-entity", "xxe.xlsx", minimal_xlsx(entity_sheet(EXTERNAL_ENTITY, "secret")),
         f"xxe.xlsx {ENTITIES}"),
        ("malformed", "broken.xlsx", minimal_xlsx(MALFORMED),
         "broken.xlsx could not be opened as an Excel workbook: no element found"),
        ("not-a-zip", "fake.xlsx", b"code,name\n33-X,Fake\n",
         "fake.xlsx is not an Excel workbook (.xlsx)."),
        ("missing-parts", "parts.xlsx", only_types,
         "parts.xlsx could not be opened as an Excel workbook: \"There is no item named"),
        ("bad-checksum", "crc.xlsx", bad_checksum(),
         "crc.xlsx could not be opened as an Excel workbook: Bad CRC-32 for file"),
        ("csv-huge-field", "field.csv", b"code,name\n33-X," + b"x" * 5 * 1024 * 1024 + b"\n",
         "field.csv, row 2: a cell is longer than the 32767 characters allowed."),
        ("csv-long-field", "long.csv", b"code,name\n33-X," + b"x" * 40_000 + b"\n",
         "long.csv, row 2, column B: the cell holds 40000 characters; at most 32767"),
        ("csv-wide", "wide.csv", b"code,name\n33-X" + b",x" * 30 + b"\n",
         f"wide.csv, row 2: a value in column AE, beyond the {columns} columns"),
    ]  # fmt: skip


def data_sheet_attacks(workbook):
    """(id, bytes, the refusal after the file name) for a workbook from export_workbook:
    its data sheet (the first) replaced, or a part added. `{rows}` and `{columns}` stand
    for the round's limits."""
    header = "agency_code"
    sheet_attacks = [
        ("dimension", dimension_bomb(header), ", sheet «Phiếu kiểm tra» has more than {rows} rows"),
        ("far-column", far_column(header),
         ", sheet «Phiếu kiểm tra», row 2: a value in column XFD, beyond the {columns} columns"),
        ("crowded-row", crowded_row(header),
         " holds more cells than this kind of file may have (in xl/worksheets/sheet1.xml: "
         "at most 200000, and 16384 in a row)"),
        ("long-cell", long_cell(header),
         ", sheet «Phiếu kiểm tra», row 2, column A: the cell holds 40000 characters"),
        ("billion-laughs", entity_sheet(BILLION_LAUGHS, "lol3", header), f" {ENTITIES}"),
        ("external-entity", entity_sheet(EXTERNAL_ENTITY, "secret", header), f" {ENTITIES}"),
        ("malformed", MALFORMED, " could not be opened as an Excel workbook: no element found"),
    ]  # fmt: skip
    attacks = [
        (ident, replace_part(workbook, SHEET, xml), says) for ident, xml, says in sheet_attacks
    ]
    attacks.append(
        ("zip-bomb", replace_part(workbook, "xl/bomb.xml", ZIP_BOMB),
         ": the part xl/bomb.xml unpacks to 2.0 MB, more than 100 times")
    )  # fmt: skip
    attacks.append(
        ("missing-part", replace_part(workbook, "xl/worksheets/sheet3.xml", None),
         " is not a checklist workbook exported by this system (no sheet «meta»).")
    )  # fmt: skip
    attacks.append(("not-a-zip", b"agency_code,CB01\n33-X,Dat\n", " is not an Excel workbook"))
    return attacks
