"""Ship the default checklist QD19-2015. Its codes are stable: reports and workbooks use them."""

from django.db import migrations

from inspections.default_checklist import ensure_default_checklist

def add_checklist(apps, schema_editor):
    ensure_default_checklist(
        apps.get_model("inspections", "Checklist"), apps.get_model("inspections", "Criterion")
    )


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(add_checklist, migrations.RunPython.noop)]
