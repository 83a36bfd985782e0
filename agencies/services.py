"""Writes that span many rows: importing and exporting agency lists."""

from pathlib import Path

from import_export.results import RowResult

from agencies.resources import AgencyResource, check_headers, import_limits, result_errors
from compliance.spreadsheets import CSV_BOM, FileRefused, check_size, kind_of, read_table


def agencies_import_file(*, path, dry_run=False, progress=None):
    """Import from a file on disk, refusing an oversized one before reading it."""
    path = Path(path)
    check_size(path.stat().st_size, path.name)
    return agencies_import(
        data=path.read_bytes(), filename=path.name, dry_run=dry_run, progress=progress
    )


def agencies_import(*, data, filename, dry_run=False, progress=None):
    """Import an agency list; all rows or none. Returns the import-export Result.

    Raises FileRefused, one line per problem, when anything is wrong. `progress(done,
    total)` is called as rows are read (a job's reporter or a terminal bar).
    """
    return _import(_CountingResource(progress=progress), data, filename, dry_run=dry_run)


def agencies_import_summary(*, data, filename, progress=None):
    """A dry run summarised for the admin's preview: counts, and for each changed row only
    the columns that change (old, new), so a 15,000-row file makes a small page.

    Raises FileRefused, one line per problem, like agencies_import.
    """
    resource = _SummaryResource(progress=progress)
    result = _import(resource, data, filename, dry_run=True)
    totals = result.totals
    return {
        "rows": result.total_rows,
        "new": totals["new"],
        "changed": totals["update"],
        "unchanged": totals["skip"],
        "changes": resource.changes,
        "notes": import_notes(result),
    }


def _import(resource, data, filename, *, dry_run):
    dataset = read_table(data, filename, limits=import_limits())
    check_headers(dataset)
    result = resource.import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )
    problems = result_errors(result, dataset)
    if problems:
        raise FileRefused(*problems)
    return result


def import_notes(result):
    """What an import did that the file did not say: rows filed under today's province."""
    return [str(remap) for remap in getattr(result, "province_remaps", [])]


class _CountingResource(AgencyResource):
    """The agency resource, reporting each row read to `progress(done, total)`."""

    def __init__(self, *, progress=None, **kwargs):
        super().__init__(**kwargs)
        self.progress = progress or _no_progress

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.rows_to_read = dataset.height
        self.progress(0, self.rows_to_read)

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        self.progress(kwargs["row_number"], self.rows_to_read)


class _SummaryResource(_CountingResource):
    """Keeps, for each updated row: its spreadsheet line, code and changed columns."""

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self.changes = []

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        instance = getattr(self, "current_instance", None)
        if row_result.import_type != RowResult.IMPORT_TYPE_UPDATE or instance is None:
            return
        cells = []
        for field, old in zip(self.import_fields, instance._imported_from, strict=True):
            new_text = field.widget.render(getattr(instance, field.attribute))
            old_text = "" if old is None else field.widget.render(old)
            if old_text != new_text:
                cells.append([field.column_name, old_text, new_text])
        line = self.source_lines[kwargs["row_number"] - 1]
        self.changes.append([line, instance.code, cells])


def _no_progress(done, total):
    pass


def agencies_export(*, queryset, path):
    """Write agencies to .xlsx or .csv (UTF-8 with BOM, so Excel shows Vietnamese)."""
    kind = kind_of(str(path))
    dataset = AgencyResource().export(queryset=queryset)
    if kind == "csv":
        Path(path).write_text(CSV_BOM + dataset.export("csv"), encoding="utf-8", newline="")
    else:
        Path(path).write_bytes(dataset.export("xlsx"))
    return dataset.height
