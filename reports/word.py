"""The province report as a Word file (python-docx), laid out like the PDF.

Real Word styles (Normal, Heading 1/2, Table Grid) in Times New Roman, so staff can put the
file through their own document workflow; the layout follows Decree 30/2020/NĐ-CP. Named
`word`, not `docx`, so that it does not shadow the python-docx package.
"""

import io

from django.utils import translation
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from reports.document import province_document

FONT = "Times New Roman"  # Liberation Serif, shipped for the PDF, has the same metrics
BODY_PT = 13
CENTER = WD_ALIGN_PARAGRAPH.CENTER
TEXT_WIDTH_MM = 165  # A4 210 mm less the 30 mm and 15 mm margins


def province_docx(report):
    """The .docx bytes, in Vietnamese whatever the reader's language (as the PDF)."""
    with translation.override("vi"):
        return render_docx(province_document(report, today=report.today))


def render_docx(document):
    word = Document()
    _styles(word)
    _page(word.sections[0])
    _heading(word, document)
    for block in document.blocks:
        _block(word, block)
    _closing(word, document)
    _appendix(word, document)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


# Styles and page


def _font(element_font, size=None, bold=None):
    """Set the font by name on all scripts; theme fonts in the template would win otherwise."""
    element_font.name = FONT
    fonts = element_font.element.get_or_add_rPr().get_or_add_rFonts()
    for script in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(script), FONT)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(theme), None)
    if size:
        element_font.size = Pt(size)
    if bold is not None:
        element_font.bold = bold


def _styles(word):
    normal = word.styles["Normal"]
    _font(normal.font, BODY_PT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name in ("Heading 1", "Heading 2"):
        style = word.styles[name]
        _font(style.font, BODY_PT, bold=True)
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(6)
        style.paragraph_format.space_after = Pt(6)
        style.paragraph_format.keep_with_next = True
    _font(word.styles["Table Grid"].font, 12)


def _page(section):
    """A4, the decree's margins, page numbers centred at the top from page 2."""
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = True
    number = section.header.paragraphs[0]
    number.alignment = CENTER
    _field(number, "PAGE")


def _field(paragraph, instruction):
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _paragraph(container, text="", *, bold=False, italic=False, size=None, align=None):
    paragraph = container.add_paragraph()
    if text:
        run = paragraph.add_run(text)
        run.bold, run.italic = bold or None, italic or None
        if size:
            run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_after = Pt(0)
    return paragraph


def _rule(container, width_mm, line_mm):
    """A short centred line: an empty paragraph's bottom border, narrowed by its indents."""
    paragraph = _paragraph(container, align=CENTER)
    indent = Mm(max(width_mm - line_mm, 0) / 2)
    paragraph.paragraph_format.left_indent = paragraph.paragraph_format.right_indent = indent
    paragraph.paragraph_format.line_spacing = Pt(4)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in {"w:val": "single", "w:sz": "6", "w:space": "1", "w:color": "000000"}.items():
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    return paragraph


def _borderless(word, rows, widths_mm):
    table = word.add_table(rows=rows, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths_mm)
    return table


def _widths(table, widths_mm):
    """Word reads the cells' widths, LibreOffice the grid's: set both."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)


# The document's parts


def _heading(word, document):
    issuing = document.issuing
    left, right = 68, TEXT_WIDTH_MM - 68
    table = _borderless(word, 2, [left, right])
    top_left, top_right = table.rows[0].cells
    top_left.paragraphs[0].text = issuing.governing_body.upper()
    top_left.paragraphs[0].alignment = CENTER
    _paragraph(top_left, issuing.issuing_body.upper(), bold=True, align=CENTER)
    _rule(top_left, left, 22)
    top_right.paragraphs[0].add_run(document.motto).bold = True
    top_right.paragraphs[0].alignment = CENTER
    _paragraph(top_right, document.motto_line, bold=True, align=CENTER)
    _rule(top_right, right, 58)
    number, date = table.rows[1].cells
    number.paragraphs[0].text = document.number_line
    number.paragraphs[0].alignment = CENTER
    date.paragraphs[0].add_run(document.date_line).italic = True
    date.paragraphs[0].alignment = CENTER
    _paragraph(
        word, "BÁO CÁO", bold=True, size=14, align=CENTER
    ).paragraph_format.space_before = Pt(12)
    _paragraph(word, document.subject, bold=True, align=CENTER)
    _rule(word, TEXT_WIDTH_MM, 40)
    _recipients(word, document.recipients)


def _recipients(word, recipients):
    if len(recipients) == 1:
        _paragraph(word, f"Kính gửi: {recipients[0]}.", align=CENTER)
    elif recipients:
        _paragraph(word, "Kính gửi:").paragraph_format.left_indent = Mm(35)
        for index, name in enumerate(recipients, start=1):
            end = "." if index == len(recipients) else ";"
            _paragraph(word, f"- {name}{end}").paragraph_format.left_indent = Mm(35)
    _paragraph(word)


def _body(word, text):
    paragraph = word.add_paragraph(text)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.first_line_indent = Mm(10)
    return paragraph


def _block(word, block):
    style = "Heading 1" if block.level == 1 else "Heading 2"
    word.add_paragraph(f"{block.number} {block.heading}", style=style)
    for text in block.paragraphs:
        _body(word, text)
    if block.table:
        _table(word, block.table)
    for text in block.after:
        _body(word, text)


def _table(word, data):
    table = word.add_table(rows=1, cols=len(data.headers), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    total = sum(data.widths)
    for cell, header in zip(table.rows[0].cells, data.headers, strict=True):
        cell.paragraphs[0].add_run(str(header)).bold = True
        cell.paragraphs[0].alignment = CENTER
    _repeat_header(table.rows[0])
    for index, values in enumerate(data.rows, start=1):
        cells = table.add_row().cells
        for column, value in enumerate(values):
            run = cells[column].paragraphs[0].add_run(str(value))
            run.bold = (data.total and index == len(data.rows)) or None
            if column in data.numeric:
                cells[column].paragraphs[0].alignment = CENTER
    for row in table.rows:
        _cant_split(row)
    _widths(table, [TEXT_WIDTH_MM * width / total for width in data.widths])
    _paragraph(word)


def _repeat_header(row):
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _cant_split(row):
    properties = row._tr.get_or_add_trPr()
    properties.append(OxmlElement("w:cantSplit"))


def _closing(word, document):
    issuing = document.issuing
    table = _borderless(word, 1, [72, TEXT_WIDTH_MM - 72])
    _cant_split(table.rows[0])
    left, right = table.rows[0].cells
    label = left.paragraphs[0].add_run("Nơi nhận:")
    label.bold = label.italic = True
    label.font.size = Pt(12)
    for line in document.distribution:
        _paragraph(left, line, size=11)
    right.paragraphs[0].alignment = CENTER
    lines = [issuing.signing_authority, issuing.signer_title]
    right.paragraphs[0].add_run(lines[0] or lines[1]).bold = True
    if lines[0]:
        _paragraph(right, lines[1], bold=True, align=CENTER)
    for _space in range(5):
        _paragraph(right)
    _paragraph(right, issuing.signer_name, bold=True, align=CENTER)


def _appendix(word, document):
    if not document.appendix.rows:
        return
    _paragraph(word)
    title = _paragraph(word, translation.gettext("APPENDIX"), bold=True, align=CENTER)
    title.paragraph_format.keep_with_next = True
    _paragraph(word, translation.gettext("List of the agencies inspected"), bold=True, align=CENTER)
    note = translation.gettext("Attached to report %(number)s of %(date)s") % {
        "number": document.number_line,
        "date": f"{document.draft.dated:%d/%m/%Y}",
    }
    _paragraph(word, f"({note})", italic=True, align=CENTER)
    _table(word, document.appendix)
