"""Writes that span many rows: importing and exporting agency lists."""

from pathlib import Path

from agencies.resources import AgencyResource, check_headers, import_limits, result_errors
from compliance.spreadsheets import CSV_BOM, FileRefused, check_size, kind_of, read_table


def agencies_import_file(*, path, dry_run=False):
    """Import from a file on disk, refusing an oversized one before reading it."""
    path = Path(path)
    check_size(path.stat().st_size, path.name)
    return agencies_import(data=path.read_bytes(), filename=path.name, dry_run=dry_run)


def agencies_import(*, data, filename, dry_run=False):
    """Import an agency list; all rows or none. Returns the import-export Result.

    Raises FileRefused, one line per problem, when anything is wrong.
    """
    dataset = read_table(data, filename, limits=import_limits())
    check_headers(dataset)
    result = AgencyResource().import_data(
        dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
    )
    problems = result_errors(result, dataset)
    if problems:
        raise FileRefused(*problems)
    return result


def import_notes(result):
    """What an import did that the file did not say: rows filed under today's province."""
    return [str(remap) for remap in getattr(result, "province_remaps", [])]


def agencies_export(*, queryset, path):
    """Write agencies to .xlsx or .csv (UTF-8 with BOM, so Excel shows Vietnamese)."""
    kind = kind_of(str(path))
    dataset = AgencyResource().export(queryset=queryset)
    if kind == "csv":
        Path(path).write_text(CSV_BOM + dataset.export("csv"), encoding="utf-8", newline="")
    else:
        Path(path).write_bytes(dataset.export("xlsx"))
    return dataset.height
