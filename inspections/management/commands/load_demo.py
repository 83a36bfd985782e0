import csv
import datetime
import io
import json
import os
import secrets
from pathlib import Path

from django.conf import settings
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
# Where the demo passwords are kept so that every run can print them again: beside the
# SQLite database, ignored by git, readable by its owner only.
PASSWORDS_FILE = Path(settings.BASE_DIR) / ".demo-passwords"
HEADER = ["code", "name", "level", "province_code", "parent_code", "applicability",
          "iso_version", "announced_on", "reannounced_on"]  # fmt: skip


class Command(BaseCommand):
    help = (
        "Add a demo province (Hưng Yên): its departments and some communes' announcement "
        "data, through the same import as admins use, one user per role, and a finished "
        "inspection round of this year so the reports have something to show. A user's "
        "password is set when the user is created (or with --reset-passwords), kept in "
        ".demo-passwords, and printed on every run. Needs load_divisions first."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give every demo user a new password (and print it).",
        )
        parser.add_argument(
            "--passwords-file",
            type=Path,
            default=PASSWORDS_FILE,
            help="Where the passwords are kept (default: .demo-passwords beside manage.py).",
        )

    def handle(self, *args, **options):
        if not Province.objects.filter(code=DEMO_PROVINCE).exists():
            raise CommandError("Province 33 is missing: run `manage.py load_divisions` first.")
        kept = read_passwords(options["passwords_file"])
        with transaction.atomic():
            self._import_agencies()
            passwords = self._users(kept, reset=options["reset_passwords"])
        write_passwords(options["passwords_file"], passwords)
        message = demo_round(DEMO_PROVINCE, "demo-staff", "demo-inspector")
        self.stdout.write(message)
        self.stdout.write(
            f"Demo users (passwords kept in {options['passwords_file']}; "
            "`manage.py load_demo --reset-passwords` gives new ones):"
        )
        for username, role, _province in USERS:
            shown = passwords.get(username) or "(not known: changed elsewhere; --reset-passwords)"
            self.stdout.write(f"  {username:<16} {shown:<16} {role.label}")

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

    def _users(self, kept, *, reset):
        """Create the demo users; a password is set only for a new user or when asked.

        Returns the passwords to print: a kept one only while it still logs the user in
        (the file may belong to another database, or an admin changed the password).
        """
        User = get_user_model()
        passwords = {}
        for username, role, province in USERS:
            user, created = User.objects.get_or_create(username=username)
            if created or reset:
                password = secrets.token_urlsafe(9)
                user.set_password(password)
            else:
                password = kept.get(username)
                if password and not user.check_password(password):
                    password = None
            user.is_superuser = role == Role.ADMIN
            user.is_staff = role == Role.ADMIN
            user.save()
            Profile.objects.update_or_create(
                user=user, defaults={"role": role, "province_id": province}
            )
            passwords[username] = password
        return passwords


def read_passwords(path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_passwords(path, passwords):
    """Only passwords that still work are kept; the file is its owner's alone (0600)."""
    known = {name: password for name, password in passwords.items() if password}
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(known, handle, indent=1)
    os.chmod(path, 0o600)
