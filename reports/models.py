"""What provincial staff type into the report: the issuing details, once, and per report a draft.

The figures are never stored here: every rendering computes them again from the inspections,
so a draft's edited text survives a data change while its numbers follow the data.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from agencies.models import Province
from inspections.models import long_text, text_fits


def short_name(province):
    """ "Thành phố Hà Nội" -> "Hà Nội": the place name a document is dated from."""
    return province.name.removeprefix("Thành phố ").removeprefix("Tỉnh ")


def lines(text):
    """The non-empty lines of a multi-line field, stripped of list marks and end punctuation."""
    stripped = (line.strip().lstrip("-–• ").rstrip(";.").strip() for line in text.splitlines())
    return [line for line in stripped if line]


class IssuingDetails(models.Model):
    """Who issues a province's reports, and who signs them: set once by the province's staff."""

    province = models.OneToOneField(
        Province, on_delete=models.CASCADE, primary_key=True, verbose_name=_("province")
    )
    governing_body = models.CharField(_("governing body"), max_length=200)
    issuing_body = models.CharField(_("issuing body"), max_length=200)
    code_suffix = models.CharField(
        _("document code"), max_length=40, help_text=_("After the number: Số: 12/BC-SKHCN.")
    )
    place = models.CharField(_("place name"), max_length=100)
    recipients = models.TextField(
        _("addressed to"), max_length=2_000, help_text=_("One recipient per line (Kính gửi).")
    )
    copies_to = models.TextField(
        _("copies to"),
        max_length=2_000,
        blank=True,
        help_text=_("Further lines of “Nơi nhận”, one per line, after “Như trên”."),
    )
    filed_as = models.CharField(
        _("filed as"), max_length=100, help_text=_("The last line of “Nơi nhận”: Lưu: VT, TĐC.")
    )
    signing_authority = models.CharField(
        _("signing authority"), max_length=100, blank=True, help_text=_("e.g. KT. GIÁM ĐỐC")
    )
    signer_title = models.CharField(_("signer's title"), max_length=100)
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("issuing details")
        verbose_name_plural = _("issuing details")

    def __str__(self):
        return f"{self.issuing_body} ({self.province})"

    @classmethod
    def for_province(cls, province):
        """The saved details, or unsaved defaults made from the province's name."""
        found = cls.objects.filter(province=province).first()
        return found or cls.defaults(province)

    @classmethod
    def defaults(cls, province):
        place = short_name(province)
        is_city = province.kind == Province.Kind.CITY
        unit = "THÀNH PHỐ" if is_city else "TỈNH"
        return cls(
            province=province,
            governing_body=f"UBND {unit} {place.upper()}",
            issuing_body="SỞ KHOA HỌC VÀ CÔNG NGHỆ",
            code_suffix="BC-SKHCN",
            place=place,
            recipients=f"Ủy ban nhân dân {unit.lower()} {place}\nBộ Khoa học và Công nghệ",
            copies_to="Giám đốc Sở (để b/c)",
            filed_as="VT, TĐC",
            signing_authority="KT. GIÁM ĐỐC",
            signer_title="PHÓ GIÁM ĐỐC",
            signer_name="",
        )


class ReportDraft(models.Model):
    """One report's number, date, recipients and free-text parts III and IV, as staff edit them."""

    province = models.ForeignKey(
        Province, on_delete=models.CASCADE, related_name="+", verbose_name=_("province")
    )
    year = models.PositiveIntegerField(_("year"))
    round_number = models.PositiveIntegerField(_("round number"), null=True, blank=True)
    number = models.CharField(
        _("document number"),
        max_length=20,
        blank=True,
        help_text=_("Leave empty to write it by hand after signing."),
    )
    dated = models.DateField(_("date"))
    recipients = models.TextField(
        _("addressed to"), max_length=2_000, help_text=_("One recipient per line (Kính gửi).")
    )
    shortcomings = long_text(_("III. Shortcomings"), blank=True)
    recommendations = long_text(_("IV. Recommendations"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("report draft")
        verbose_name_plural = _("report drafts")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "year", "round_number"], name="report_draft_once"
            ),
            # NULLs are distinct in a unique index: the whole-year draft needs its own.
            models.UniqueConstraint(
                fields=["province", "year"],
                condition=Q(round_number__isnull=True),
                name="report_draft_year_once",
            ),
            text_fits("reportdraft", "shortcomings"),
            text_fits("reportdraft", "recommendations"),
        ]

    def __str__(self):
        period = f"{self.year}" if self.round_number is None else f"{self.round_number}/{self.year}"
        return f"{self.province}, {period}"

    @classmethod
    def find(cls, province, year, round_number):
        return cls.objects.filter(province=province, year=year, round_number=round_number).first()
