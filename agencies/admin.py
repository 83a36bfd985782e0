from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import ImportForm, SelectableFieldsExportForm

from agencies import admin_import
from agencies.forms import AgencyAdminForm, ProvinceAdminForm
from agencies.models import Agency, Profile, Province
from agencies.resources import (
    AgencyResource,
    check_headers,
    column_guide,
    column_label,
    import_limits,
)
from compliance.spreadsheets import CSV_BOM, FileRefused, read_table, validate_upload_size


class AgencyCSV(CSV):
    """CSV read with the project's own reader: BOM, NFC text, blank lines, clear errors."""

    label = _("CSV (.csv, UTF-8)")

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            in_stream = in_stream.encode("utf-8")
        dataset = read_table(in_stream, "upload.csv", kind="csv", limits=import_limits())
        check_headers(dataset)
        return dataset

    def export_data(self, dataset, **kwargs):
        return CSV_BOM + super().export_data(dataset, **kwargs)

    # Read as bytes so our reader decides the encoding and names the bad byte.
    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"


class AgencyXLSX(XLSX):
    label = _("Excel (.xlsx)")

    def create_dataset(self, in_stream, **kwargs):
        dataset = read_table(in_stream, "upload.xlsx", kind="xlsx", limits=import_limits())
        check_headers(dataset)
        return dataset


class FormatSelect(forms.Select):
    """Each format's option says its file extension, for static/js/admin-import.js."""

    def __init__(self, extensions):
        super().__init__()
        self.extensions = extensions

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if str(value) in self.extensions:
            option["attrs"]["data-extension"] = self.extensions[str(value)]
        return option


class FormatLabels:
    """Format choices named for people ("Excel (.xlsx)"), not tablib's "xlsx"; get_title()
    stays tablib's name, which the export passes to tablib."""

    def _init_formats(self, formats):
        super()._init_formats(formats)
        field = self.fields["format"]
        labels = {str(index): file_format.label for index, file_format in enumerate(formats)}
        field.widget = FormatSelect(
            {str(index): file_format().get_extension() for index, file_format in enumerate(formats)}
        )
        field.choices = [(value, labels.get(value, title)) for value, title in field.choices]


class AgencyImportForm(FormatLabels, ImportForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The library's guess_format.js matches the file's extension to the options' text,
        # which here is a name for people; admin-import.js reads data-extension instead.
        self.fields["format"].widget.attrs.pop("class", None)

    @property
    def media(self):
        return super().media + forms.Media(js=["js/admin-import.js"])

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        validate_upload_size(upload)
        return upload


class AgencyExportForm(FormatLabels, SelectableFieldsExportForm):
    def _get_field_label(self, resource, field_name):
        return f"{column_label(field_name)} ({field_name})"


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    form = ProvinceAdminForm
    list_display = ["code", "name", "kind", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name"]


@admin.register(Agency)
class AgencyAdmin(ImportExportModelAdmin):
    form = AgencyAdminForm
    resource_classes = [AgencyResource]
    formats = [AgencyXLSX, AgencyCSV]
    import_form_class = AgencyImportForm
    export_form_class = AgencyExportForm
    import_template_name = "admin/agencies/agency/import.html"
    list_display = ["code", "name", "level", "province", "applicability", "announced_on", "active"]
    list_filter = ["level", "applicability", "iso_version", "active", "province"]
    search_fields = ["code", "name", "search_text"]
    list_select_related = ["province"]
    raw_id_fields = ["parent"]
    readonly_fields = ["search_text", "sort_key"]

    # The import runs on the queue: see agencies/admin_import.py.
    def get_urls(self):
        return admin_import.urls(self) + super().get_urls()

    def import_action(self, request, **kwargs):
        return admin_import.upload(self, request, form_page=super().import_action)

    def process_import(self, request, **kwargs):
        return admin_import.confirm(self, request)

    def get_import_context_data(self, **kwargs):
        return {**super().get_import_context_data(**kwargs), "columns": column_guide()}

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "preview": True}

    def add_data_read_fail_error_to_form(self, form, error):
        if isinstance(error, FileRefused):
            form.add_error("import_file", str(error))
        else:
            super().add_data_read_fail_error_to_form(form, error)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "province", "agency"]
    list_filter = ["role", "province"]
    list_select_related = ["user", "province", "agency"]
    raw_id_fields = ["user", "agency"]
