"""What text may be stored (compliance.text) and what any writer may put in a cell."""

import io

import openpyxl
import pytest
from django import forms
from django.core.exceptions import ValidationError

from compliance.forms import CleanTextMixin
from compliance.spreadsheets import CELL_MAX, read_table, safe_cell
from compliance.text import (
    LONG_TEXT_MAX,
    check_length,
    clean_line,
    clean_text,
    validate_code,
)
from inspections.workbooks import edited_text

pytestmark = pytest.mark.usefixtures("english")


def test_clean_text_turns_word_line_breaks_into_newlines():
    assert clean_text("one\x0btwo\x0cthree\r\nfour\rfive") == "one\ntwo\nthree\nfour\nfive"


def test_clean_text_drops_other_control_characters_but_keeps_tab_and_newline():
    hostile = "a\x00b\x01c\x1bd\x7fe\x85f\x9fg\th\ni"
    assert clean_text(hostile) == "abcdefg\th\ni"


def test_clean_text_composes_vietnamese_letters_and_keeps_none_as_empty():
    assert clean_text("Hu\u031bng Ye\u0302n") == "Hưng Yên"
    assert clean_text(None) == ""
    assert clean_text(42) == "42"


def test_clean_line_makes_one_line():
    assert clean_line("Sở\x0bTư pháp\tHưng Yên") == "Sở Tư pháp Hưng Yên"


def test_check_length_refuses_past_the_limit_naming_both_numbers():
    check_length("x" * LONG_TEXT_MAX)
    with pytest.raises(ValidationError, match="10001 characters long; at most 10000"):
        check_length("x" * (LONG_TEXT_MAX + 1))


def test_the_limit_fits_a_spreadsheet_cell_even_escaped():
    assert LONG_TEXT_MAX + 1 < CELL_MAX


@pytest.mark.parametrize("code", ["=1+2", "+1", "-1", "@SUM(A1)", "a b", "x\x0b", "", "/etc"])
def test_codes_that_are_not_letters_digits_dot_dash_underscore_are_refused(code):
    with pytest.raises(ValidationError):
        validate_code(code)


def test_ordinary_codes_pass():
    for code in ["33-SNV", "00070", "QD19-2015", "CB01", "a.b_c"]:
        validate_code(code)


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1", "@SUM(A1)", '=HYPERLINK("http://x","y")'])
def test_safe_cell_never_starts_a_formula(text):
    assert safe_cell(text) == "'" + text


def test_safe_cell_removes_what_excel_cannot_hold_and_the_workbook_saves():
    book = openpyxl.Workbook()
    hostile = "a\x0bb\x00c\x1bd\x0ce"
    book.active.append([safe_cell(None), safe_cell(5), safe_cell(hostile)])
    buffer = io.BytesIO()
    book.save(buffer)
    row = next(openpyxl.load_workbook(buffer).active.iter_rows(values_only=True))
    assert row == (None, 5, "a\nbcd\ne")


def test_safe_cell_cuts_only_visibly_what_a_cell_cannot_hold():
    cell = safe_cell("x" * 40_000)
    assert CELL_MAX - 5 < len(cell) <= CELL_MAX
    count = 40_000 - cell.count("x")
    assert cell.endswith(f" … [cut: {count} more characters]")
    assert safe_cell("x" * CELL_MAX) == "x" * CELL_MAX


def test_an_exported_cell_read_back_unchanged_is_no_change():
    """Whatever was stored, the cell as exported means "unchanged" on re-import."""
    for stored in ["x" * 40_000, "=1+2", "a\x0bb", "  tidy me \r\n", "-\x01"]:
        assert edited_text(safe_cell(stored), stored) is stored
    assert edited_text("new text", "=1+2") == "new text"


class NoteForm(CleanTextMixin, forms.Form):
    title = forms.CharField()
    note = forms.CharField(widget=forms.Textarea, max_length=20)

    def clean(self):
        data = super().clean()
        self.seen_in_clean = dict(data)
        return data


def test_the_form_mixin_cleans_text_before_the_forms_own_clean():
    form = NoteForm({"title": "Sở\x0bNội vụ", "note": "one\x0btwo\x01"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"title": "Sở Nội vụ", "note": "one\ntwo"}
    assert form.seen_in_clean == form.cleaned_data


def test_spreadsheet_cells_are_read_cleaned():
    data = "\ufeffcode,name\r\n33-STP,Sở\x0bTư pháp\x01\r\n".encode()
    dataset = read_table(data, "agencies.csv")
    assert dataset.dict == [{"code": "33-STP", "name": "Sở\nTư pháp"}]
