"""The one django-import-export resource for agency lists.

The admin's import/export pages and the `import_agencies` / `export_agencies` commands
share it, so a file is read and checked the same way wherever it comes in. Everything it
needs from the database is fetched once in `before_import`; rows are then checked
against those maps and saved in bulk, so a large file costs a fixed number of queries.

Lists from before 1 July 2025 use the 63 old provinces' codes: a code that is not one of
today's provinces but an old one (agencies/data/old_provinces.csv) files the row under the
province it became part of, and the import says so (`province_remaps` on the result).
A current code always wins: 24 is today's Bắc Ninh, not the old Bắc Giang.
"""

import csv
import datetime
import functools
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.html import escape, format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader

from agencies.models import Agency, Province
from compliance.bulk import bulk_update_values
from compliance.spreadsheets import (
    FileRefused,
    safe_cell,
    table_limits,
    unescape_formula,
)
from compliance.text import CODE_RE, clean_line

COLUMNS = [
    "code",
    "name",
    "level",
    "province_code",
    "parent_code",
    "applicability",
    "iso_version",
    "announced_on",
    "reannounced_on",
    "established_on",
    "dissolved_on",
    "successor_code",
    "contact_name",
    "contact_email",
    "contact_phone",
]
REQUIRED_COLUMNS = ["code", "name", "level", "province_code"]
# Room for a few columns of the sender's own (refused by check_headers, with their names).
COLUMN_MARGIN = 10
_NUMBER_LIKE = re.compile(r"^\d+\.\d+$|^\d+(\.\d+)?[eE]\+?\d+$")
_QUERY_CHUNK = 900  # below SQLite's bound on query parameters
OLD_PROVINCES = Path(__file__).resolve().parent / "data" / "old_provinces.csv"


@functools.cache
def old_provinces():
    """Old province code -> (old name, today's code), from the shipped data file."""
    with OLD_PROVINCES.open(encoding="utf-8", newline="") as source:
        rows = csv.DictReader(source)
        return {row["old_code"]: (row["old_name"], row["new_code"]) for row in rows}


class TextWidget(widgets.Widget):
    def __init__(self, required=False, max_length=255):
        super().__init__()
        self.required = required
        self.max_length = max_length

    def clean(self, value, row=None, **kwargs):
        # One line, as Agency.refresh_derived stores names, so an unchanged row is skipped.
        text = "" if value is None else unescape_formula(clean_line(value).strip())
        if self.required and not text:
            raise ValueError(_("is empty; a value is required."))
        if len(text) > self.max_length:
            raise ValueError(
                _("is %(length)d characters long; at most %(max)d are allowed.")
                % {"length": len(text), "max": self.max_length}
            )
        return text

    def render(self, value, obj=None, **kwargs):
        return safe_cell(value or "")


class CodeWidget(widgets.Widget):
    """A code kept as text. Excel turns "00070" into the number 70 and "1" into 1.0: say so."""

    def __init__(self, required=True):
        super().__init__()
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            raise ValueError(_("%(value)r is not a code.") % {"value": value})
        if isinstance(value, (int, float)) or (
            isinstance(value, str) and _NUMBER_LIKE.match(value.strip())
        ):
            raise ValueError(
                _(
                    "%(value)s was stored as a number, so Excel may have dropped leading "
                    "zeros or added '.0'; format the column as Text and type the code again."
                )
                % {"value": value}
            )
        code = "" if value is None else str(value).strip()
        if not code:
            if self.required:
                raise ValueError(_("is empty; a code is required."))
            return None
        if len(code) > 32 or not CODE_RE.match(code):
            raise ValueError(
                _("%(value)r is not a valid code (letters, digits, '.', '-', '_').")
                % {"value": code}
            )
        return code

    def render(self, value, obj=None, **kwargs):
        return safe_cell(value or "")


class ChoiceWidget(widgets.Widget):
    """Accepts a choice's code in any letter case, e.g. `commune` or `Commune`."""

    def __init__(self, choices, required=True):
        super().__init__()
        self.choices = list(choices)
        self.values = [value for value, _label in choices]
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = "" if value is None else str(value).strip().lower()
        if not text and not self.required:
            return ""
        if text not in self.values:
            raise ValueError(
                _("%(value)r is not one of: %(allowed)s.")
                % {"value": "" if value is None else value, "allowed": ", ".join(self.values)}
            )
        return text

    def render(self, value, obj=None, **kwargs):
        return value or ""


class DateWidget(widgets.Widget):
    FORMATS = ("%Y-%m-%d", "%d/%m/%Y")

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        for fmt in self.FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(
            _("%(value)r is not a valid date; write YYYY-MM-DD or DD/MM/YYYY.") % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class EmailWidget(TextWidget):
    def __init__(self):
        super().__init__(required=False, max_length=254)

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        if text:
            try:
                validate_email(text)
            except ValidationError:
                raise ValueError(
                    _("%(value)r is not an email address.") % {"value": text}
                ) from None
        return text


@dataclass
class ProvinceRemap:
    """Rows of an import that gave an old province's code, filed under today's province."""

    old_code: str
    old_name: str
    new_code: str
    new_name: str
    lines: list

    def __str__(self):
        shown = ", ".join(str(line) for line in self.lines[:10])
        if len(self.lines) > 10:
            shown += ", …"
        return ngettext(
            "%(count)d row (%(rows)s): old province code %(old)s (%(old_name)s, before "
            "1 July 2025) filed under today's province %(new)s %(new_name)s.",
            "%(count)d rows (%(rows)s): old province code %(old)s (%(old_name)s, before "
            "1 July 2025) filed under today's province %(new)s %(new_name)s.",
            len(self.lines),
        ) % {
            "count": len(self.lines),
            "rows": shown,
            "old": self.old_code,
            "old_name": self.old_name,
            "new": self.new_code,
            "new_name": self.new_name,
        }


class PrefetchedInstanceLoader(BaseInstanceLoader):
    """Finds existing agencies in the map that `before_import` filled, without a query."""

    def get_instance(self, row):
        code = row.get("code")
        return self.resource.existing.get(code) if isinstance(code, str) else None


class AgencyResource(resources.ModelResource):
    code = fields.Field("code", "code", widget=CodeWidget())
    name = fields.Field("name", "name", widget=TextWidget(required=True))
    level = fields.Field("level", "level", widget=ChoiceWidget(Agency.Level.choices))
    province_code = fields.Field("province_id", "province_code", widget=CodeWidget())
    parent_code = fields.Field("parent_id", "parent_code", widget=CodeWidget(required=False))
    applicability = fields.Field(
        "applicability",
        "applicability",
        widget=ChoiceWidget(Agency.Applicability.choices, required=False),
    )
    iso_version = fields.Field(
        "iso_version",
        "iso_version",
        widget=ChoiceWidget(Agency.IsoVersion.choices, required=False),
    )
    announced_on = fields.Field("announced_on", "announced_on", widget=DateWidget())
    reannounced_on = fields.Field("reannounced_on", "reannounced_on", widget=DateWidget())
    established_on = fields.Field("established_on", "established_on", widget=DateWidget())
    dissolved_on = fields.Field("dissolved_on", "dissolved_on", widget=DateWidget())
    successor_code = fields.Field(
        "successor_id", "successor_code", widget=CodeWidget(required=False)
    )
    contact_name = fields.Field("contact_name", "contact_name", widget=TextWidget())
    contact_email = fields.Field("contact_email", "contact_email", widget=EmailWidget())
    contact_phone = fields.Field("contact_phone", "contact_phone", widget=TextWidget(max_length=32))

    class Meta:
        model = Agency
        fields = COLUMNS
        import_order = COLUMNS
        export_order = COLUMNS
        import_id_fields = ["code"]
        instance_loader_class = PrefetchedInstanceLoader
        use_bulk = True
        batch_size = 1000
        skip_unchanged = True
        report_skipped = True
        # The library's diff deep-copies every row (2 s for 15,000); the preview's
        # before/after cells are built from a cheap snapshot instead: see after_import_row.
        skip_diff = True

    def __init__(self, preview=False, **kwargs):
        super().__init__(**kwargs)
        self.preview = preview

    # -- import ---------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        check_headers(dataset)
        headers = dataset.headers
        self.import_fields = self.get_import_fields()
        # Spreadsheet line of each data row; blank lines were dropped when reading.
        self.source_lines = getattr(dataset, "source_lines", None) or list(
            range(2, dataset.height + 2)
        )
        codes = [c for c in dataset["code"] if isinstance(c, str) and c]
        self.first_row_of_code = {}
        self.province_in_file = {}
        self.province_names = dict(Province.objects.values_list("code", "name"))
        self.province_codes = set(self.province_names)
        self.province_remaps = defaultdict(list)  # old code -> spreadsheet lines
        province_values = dataset["province_code"]
        for index, code in enumerate(dataset["code"]):
            if isinstance(code, str) and code and code not in self.first_row_of_code:
                self.first_row_of_code[code] = index + 1
                self.province_in_file[code] = self._current_province(province_values[index])
        self.existing = {}
        for chunk in _chunks(codes):
            for agency in Agency.objects.filter(code__in=chunk):
                self.existing[agency.code] = agency
        # Codes rows point at (parents, successors), with their provinces.
        referenced = set()
        for column in ("parent_code", "successor_code"):
            if column in headers:
                referenced |= {c for c in dataset[column] if isinstance(c, str) and c}
        self.parent_province = {code: agency.province_id for code, agency in self.existing.items()}
        wanted = referenced - self.parent_province.keys()
        for chunk in _chunks(sorted(wanted)):
            self.parent_province.update(
                Agency.objects.filter(code__in=chunk).values_list("code", "province_id")
            )
        # A parent defined in this file takes the province the file gives it.
        self.parent_province.update(self.province_in_file)

    def _current_province(self, code):
        """Today's code for an old province's code; any other value as it is."""
        if isinstance(code, str) and code not in self.province_codes and code in old_provinces():
            current = old_provinces()[code][1]
            if current in self.province_codes:
                return current
        return code

    def after_init_instance(self, instance, new, row, **kwargs):
        # A snapshot instead of the default deep copy: enough to tell unchanged rows.
        instance._imported_from = None if new else self._values(instance)

    def import_instance(self, instance, row, **kwargs):
        self.current_instance = instance
        errors = defaultdict(list)
        for field in self.import_fields:
            try:
                self.import_field(field, instance, row, **kwargs)
            except ValueError as error:
                errors[field.column_name].append(str(error))
        if not row.get("applicability") and ("applicability" in row or instance.pk is None):
            instance.applicability = Agency.default_applicability(instance.level)
        if "province_code" not in errors:
            self._file_under_current_province(instance, kwargs["row_number"])
        self._check_relations(instance, kwargs["row_number"], errors)
        self._check_lineage(instance, errors)
        if errors:
            raise ValidationError(dict(errors))

    def _file_under_current_province(self, instance, row_number):
        current = self._current_province(instance.province_id)
        if current != instance.province_id:
            self.province_remaps[instance.province_id].append(self.source_lines[row_number - 1])
            instance.province_id = current

    def _check_lineage(self, instance, errors):
        established, dissolved = instance.established_on, instance.dissolved_on
        if established and dissolved and dissolved <= established and "dissolved_on" not in errors:
            errors["dissolved_on"].append(
                _("%(dissolved)s is not after the date it was established, %(established)s.")
                % {"dissolved": dissolved.isoformat(), "established": established.isoformat()}
            )
        successor = instance.successor_id
        if successor and "successor_code" not in errors:
            if successor == instance.code:
                errors["successor_code"].append(_("an agency cannot be its own successor."))
            elif successor not in self.parent_province:
                errors["successor_code"].append(
                    _("%(code)r is neither in the registry nor in this file.") % {"code": successor}
                )
            elif (
                "province_code" not in errors
                and self.parent_province[successor] != instance.province_id
            ):
                errors["successor_code"].append(
                    _("%(code)r belongs to province %(other)s, not %(province)s.")
                    % {
                        "code": successor,
                        "other": self.parent_province[successor],
                        "province": instance.province_id,
                    }
                )

    def _check_relations(self, instance, row_number, errors):
        code = instance.code
        if "code" not in errors:
            first = self.first_row_of_code.get(code)
            if first is not None and first != row_number:
                errors["code"].append(
                    _("%(code)r appears twice in the file: first on row %(row)d.")
                    % {"code": code, "row": self.source_lines[first - 1]}
                )
            if instance.level == Agency.Level.COMMUNE and not re.fullmatch(r"\d{5}", code):
                errors["code"].append(
                    _(
                        "%(code)r: a commune's code has 5 digits, e.g. 00070 "
                        "(were leading zeros lost?)."
                    )
                    % {"code": code}
                )
        if "province_code" not in errors and instance.province_id not in self.province_codes:
            hint = ""
            if re.fullmatch(r"\d", instance.province_id or ""):
                hint = " " + _("Province codes have 2 digits: was a leading zero lost?")
            errors["province_code"].append(
                _("%(code)r is not a known province code.") % {"code": instance.province_id} + hint
            )
        parent = instance.parent_id
        if parent and "parent_code" not in errors:
            if parent == code:
                errors["parent_code"].append(_("an agency cannot be its own parent."))
            elif parent not in self.parent_province:
                errors["parent_code"].append(
                    _("%(code)r is neither in the registry nor in this file.") % {"code": parent}
                )
            elif (
                "province_code" not in errors
                and self.parent_province[parent] != instance.province_id
            ):
                errors["parent_code"].append(
                    _("%(code)r belongs to province %(other)s, not %(province)s.")
                    % {
                        "code": parent,
                        "other": self.parent_province[parent],
                        "province": instance.province_id,
                    }
                )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        before = getattr(instance, "_imported_from", None)
        return before is not None and before == self._values(instance)

    def before_save_instance(self, instance, row, **kwargs):
        # Bulk saves bypass Model.save(), which fills these columns.
        instance.refresh_derived()

    def get_bulk_update_fields(self):
        attributes = [f.attribute for f in self.import_fields if f.attribute != "code"]
        return [*attributes, "search_text", "sort_key", "active"]

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if self.update_instances and (using_transactions or not dry_run):
            try:
                bulk_update_values(Agency, self.update_instances, self.get_bulk_update_fields())
            except Exception as error:
                self.handle_import_error(result, error, raise_errors)
            finally:
                self.update_instances.clear()

    def after_import_row(self, row, row_result, **kwargs):
        """For the admin's preview: one cell per column, old value struck through if changed."""
        instance = getattr(self, "current_instance", None)
        if not self.preview or instance is None or row_result.validation_error:
            return
        before = instance._imported_from or (None,) * len(self.import_fields)
        cells = []
        for field, old in zip(self.import_fields, before, strict=True):
            new = field.widget.render(getattr(instance, field.attribute))
            old = "" if old is None else field.widget.render(old)
            if instance._imported_from is None or old == new:
                cells.append(escape(new))
            else:
                cells.append(format_html("<del>{}</del> <ins>{}</ins>", old, new))
        row_result.diff = cells

    def after_import(self, dataset, result, **kwargs):
        # Report spreadsheet lines, not positions among the non-blank data rows.
        for invalid in result.invalid_rows:
            invalid.number = self.source_lines[invalid.number - 1]
        result.province_remaps = [
            ProvinceRemap(
                old_code=old,
                old_name=old_provinces()[old][0],
                new_code=old_provinces()[old][1],
                new_name=self.province_names[old_provinces()[old][1]],
                lines=lines,
            )
            for old, lines in sorted(self.province_remaps.items())
        ]

    def _values(self, instance):
        return tuple(getattr(instance, f.attribute) for f in self.import_fields)

    # -- export ---------------------------------------------------------------------

    def get_queryset(self):
        return Agency.objects.order_by("province_id", "sort_key", "code")


def column_label(column):
    """What a file column holds, in the user's language: the model field it fills."""
    attribute = AgencyResource.fields[column].attribute
    return capfirst(Agency._meta.get_field(attribute).verbose_name)


def column_guide():
    """The admin's import page explains the file: (column, what it holds, the values it
    takes, required) for each column, in the resource's words."""
    rows = []
    for column in COLUMNS:
        widget = AgencyResource.fields[column].widget
        if isinstance(widget, ChoiceWidget):
            values = "; ".join(f"{value} = {label}" for value, label in widget.choices)
        elif isinstance(widget, DateWidget):
            values = _("a date: YYYY-MM-DD or DD/MM/YYYY")
        else:
            values = ""
        rows.append((column, column_label(column), values, column in REQUIRED_COLUMNS))
    return rows


def import_limits():
    """How far an agency list is read: IMPORT_MAX_ROWS rows, COLUMNS and a margin."""
    return table_limits(columns=len(COLUMNS) + COLUMN_MARGIN)


def check_headers(dataset):
    """Refuse a header row that lacks a required column or has one we do not know."""
    headers = list(dataset.headers or [])
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    unknown = [column for column in headers if column not in COLUMNS]
    duplicated = sorted({column for column in headers if headers.count(column) > 1})
    problems = []
    if missing:
        problems.append(_("missing column(s): %s") % ", ".join(missing))
    if unknown:
        problems.append(_("unknown column(s): %s") % ", ".join(repr(c) for c in unknown))
    if duplicated:
        problems.append(_("repeated column(s): %s") % ", ".join(duplicated))
    if problems:
        raise FileRefused(
            _("Header row: %(problems)s. Expected columns: %(expected)s.")
            % {"problems": "; ".join(problems), "expected": ", ".join(COLUMNS)}
        )


def _chunks(items):
    items = list(items)
    for start in range(0, len(items), _QUERY_CHUNK):
        yield items[start : start + _QUERY_CHUNK]


def result_errors(result, dataset=None):
    """One line per problem, naming the spreadsheet row and column, for commands and tests."""
    lines = [str(error.error) for error in result.base_errors]
    source_lines = getattr(dataset, "source_lines", None)
    for number, row_errors in result.row_errors():
        line = source_lines[number - 1] if source_lines else number + 1
        for error in row_errors:
            lines.append(_("Row %(row)d: %(message)s") % {"row": line, "message": error.error})
    for invalid in result.invalid_rows:
        line = invalid.number  # already a spreadsheet line: see AgencyResource.after_import
        for column, messages in invalid.error_dict.items():
            for message in messages:
                lines.append(
                    _("Row %(row)d, column %(column)s: %(message)s")
                    % {"row": line, "column": column, "message": message}
                )
    return lines
