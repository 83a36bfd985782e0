import csv
import datetime
import io
import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from agencies.models import Agency, Profile, Province, Role
from agencies.services import agencies_import
from compliance.spreadsheets import FileRefused
from inspections.demo import demo_round

DEMO_PROVINCE = "33"  # Hưng Yên
DEPARTMENTS = [
    # code, name, level, parent
    ("33-UBND", "UBND tỉnh Hưng Yên", "province", ""),
    ("33-VP", "Văn phòng UBND tỉnh Hưng Yên", "province", "33-UBND"),
    ("33-SNV", "Sở Nội vụ tỉnh Hưng Yên", "department", ""),
    ("33-SKHCN", "Sở Khoa học và Công nghệ tỉnh Hưng Yên", "department", ""),
    ("33-CCTDC", "Chi cục Tiêu chuẩn Đo lường Chất lượng", "department", "33-SKHCN"),
    ("33-STC", "Sở Tài chính tỉnh Hưng Yên", "department", ""),
    ("33-SYT", "Sở Y tế tỉnh Hưng Yên", "department", ""),
    ("33-SGDDT", "Sở Giáo dục và Đào tạo tỉnh Hưng Yên", "department", ""),
    ("33-SXD", "Sở Xây dựng tỉnh Hưng Yên", "department", ""),
    ("33-SNNMT", "Sở Nông nghiệp và Môi trường tỉnh Hưng Yên", "department", ""),
]
USERS = [
    ("demo-admin", Role.ADMIN, None),
    ("demo-staff", Role.PROVINCIAL_STAFF, DEMO_PROVINCE),
    ("demo-inspector", Role.INSPECTOR, DEMO_PROVINCE),
    ("demo-viewer", Role.NATIONAL_VIEWER, None),
]
HEADER = ["code", "name", "level", "province_code", "parent_code", "applicability",
          "iso_version", "announced_on", "reannounced_on"]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Add a demo province (Hưng Yên): its departments and some communes' announcement "
        "data, through the same import as admins use, one user per role with a new "
        "password each run, printed at the end, and a finished inspection round of this "
        "year so the reports have something to show. Needs load_divisions first."
    )

    def handle(self, *args, **options):
        if not Province.objects.filter(code=DEMO_PROVINCE).exists():
            raise CommandError("Province 33 is missing: run `manage.py load_divisions` first.")
        with transaction.atomic():
            self._import_agencies()
            passwords = self._users()
        message = demo_round(DEMO_PROVINCE, "demo-staff", "demo-inspector")
        self.stdout.write(message)
        self.stdout.write("Demo users (passwords are new on every run):")
        for username, role, _province in USERS:
            self.stdout.write(f"  {username:<16} {passwords[username]:<16} {role.label}")

    def _import_agencies(self):
        start = datetime.date(2024, 3, 1)
        rows = []
        for index, (code, name, level, parent) in enumerate(DEPARTMENTS):
            announced = start + datetime.timedelta(days=7 * index)
            rows.append([code, name, level, DEMO_PROVINCE, parent, "mandatory", "2015",
                         announced.isoformat(), ""])  # fmt: skip
        communes = Agency.objects.filter(
            province_id=DEMO_PROVINCE, level=Agency.Level.COMMUNE
        ).order_by("code")[:24]
        for index, commune in enumerate(communes):
            # Three quarters announced, one in six re-announced after a scope change.
            announced = start + datetime.timedelta(days=11 * index) if index % 4 else None
            reannounced = (
                announced + datetime.timedelta(days=200) if announced and index % 6 == 1 else None
            )  # noqa: E501
            rows.append([commune.code, commune.name, "commune", DEMO_PROVINCE, "", "encouraged",
                         "2015" if announced else "",
                         announced.isoformat() if announced else "",
                         reannounced.isoformat() if reannounced else ""])  # fmt: skip
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(HEADER)
        writer.writerows(rows)
        try:
            result = agencies_import(data=buffer.getvalue().encode(), filename="demo.csv")
        except FileRefused as refused:
            raise CommandError("\n".join(refused.problems)) from None
        self.stdout.write(f"Demo agencies: {result.total_rows} rows imported for Hưng Yên.")

    def _users(self):
        User = get_user_model()
        passwords = {}
        for username, role, province in USERS:
            user, _created = User.objects.get_or_create(username=username)
            password = secrets.token_urlsafe(9)
            user.set_password(password)
            user.is_superuser = role == Role.ADMIN
            user.is_staff = role == Role.ADMIN
            user.save()
            Profile.objects.update_or_create(
                user=user, defaults={"role": role, "province_id": province}
            )
            passwords[username] = password
        return passwords
