from types import SimpleNamespace

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from compliance.text import clean_line, fold, sort_key, validate_code


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    PROVINCIAL_STAFF = "provincial_staff", _("Provincial staff")
    INSPECTOR = "inspector", _("Inspector")
    NATIONAL_VIEWER = "national_viewer", _("National viewer")


def role_of(user):
    """The role that scopes what `user` may see; None for anonymous or unassigned users."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    profile = getattr(user, "profile", None)
    return profile.role if profile else None


# Who may do what, by role. Views, the navigation (through compliance.context_processors)
# and commands ask these; rules that depend on a round or an inspection live on those models.


def can_fill_checklists(user):
    """Inspectors fill the checklists assigned to them ("My inspections")."""
    return role_of(user) == Role.INSPECTOR


def can_list_rounds(user):
    return role_of(user) is not None


def can_plan_rounds(user):
    """Provincial staff create rounds, in their own province."""
    return role_of(user) == Role.PROVINCIAL_STAFF


def can_read_reports(user):
    return role_of(user) in (Role.ADMIN, Role.PROVINCIAL_STAFF, Role.NATIONAL_VIEWER)


def can_read_national(user):
    return role_of(user) in (Role.ADMIN, Role.NATIONAL_VIEWER)


def can_edit_report(user, province):
    """The province's issuing details and report drafts: its own staff, and admins."""
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    return role == Role.PROVINCIAL_STAFF and user.profile.province_id == province.pk


def can_read_findings(user):
    """The findings workspace: provincial staff (their province), national viewers and admins
    (every province); which findings is the Finding.objects.for_user scope."""
    return role_of(user) in (Role.ADMIN, Role.PROVINCIAL_STAFF, Role.NATIONAL_VIEWER)


def can_manage_findings(user, province=None):
    """Move due dates and remind agencies: the staff of the findings' province, and admins.

    Without a province: whether the user manages findings anywhere (the workspace then
    offers its bulk actions); each finding acted on is still checked with its province.
    """
    role = role_of(user)
    if role == Role.ADMIN:
        return True
    if role != Role.PROVINCIAL_STAFF:
        return False
    return province is None or user.profile.province_id == province.pk


def can_record_announcements(user):
    """Record an agency's announcement date in the registry; which agencies is the
    Agency.objects.for_user scope (provincial staff: their own province)."""
    return role_of(user) in (Role.ADMIN, Role.PROVINCIAL_STAFF)


def can_browse_agencies(user):
    """The agency registry in the menu; inspectors reach agencies through their inspections."""
    return role_of(user) in (Role.ADMIN, Role.PROVINCIAL_STAFF, Role.NATIONAL_VIEWER)


def can_import_agencies(user):
    return role_of(user) == Role.ADMIN


def can_administer(user):
    """The Django admin site: checklists, users, agency lists."""
    return role_of(user) == Role.ADMIN


class NationalScope:
    """Whom a command reads as when no person runs it: every province, read-only.

    Pass `NATIONAL_SCOPE` where a user is expected (the `for_user` scopes, the report
    builders); role_of() sees a national viewer.
    """

    is_authenticated = True
    is_active = True
    is_superuser = False
    pk = None

    profile = SimpleNamespace(role=Role.NATIONAL_VIEWER, province_id=None)

    def __str__(self):
        return "national scope"


NATIONAL_SCOPE = NationalScope()


class ProvinceQuerySet(models.QuerySet):
    def for_user(self, user):
        role = role_of(user)
        if role in (Role.ADMIN, Role.NATIONAL_VIEWER):
            return self
        if role in (Role.PROVINCIAL_STAFF, Role.INSPECTOR):
            return self.filter(code=user.profile.province_id)
        return self.none()


class Province(models.Model):
    class Kind(models.TextChoices):
        PROVINCE = "province", _("Province")
        CITY = "city", _("Centrally-run city")

    code = models.CharField(
        _("code"),
        max_length=2,
        primary_key=True,
        validators=[RegexValidator(r"^\d{2}\Z", _("A province code has 2 digits, e.g. 01."))],
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    active = models.BooleanField(_("active"), default=True)
    sort_key = models.CharField(max_length=255, editable=False, db_index=True)

    objects = ProvinceQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def refresh_derived(self):
        self.name = clean_line(self.name)
        # "Thành phố Hà Nội" sorts under H, beside the provinces, not under T.
        self.sort_key = sort_key(self.name.removeprefix("Thành phố ").removeprefix("Tỉnh "))


class AgencyQuerySet(models.QuerySet):
    def for_user(self, user):
        role = role_of(user)
        if role in (Role.ADMIN, Role.NATIONAL_VIEWER):
            return self
        if role == Role.PROVINCIAL_STAFF:
            return self.filter(province_id=user.profile.province_id)
        if role == Role.INSPECTOR:
            # Inspectors reach agencies only through the inspections assigned to them.
            return self.filter(pk__in=self.model.objects.filter(inspections__inspectors=user))
        return self.none()

    def search(self, text):
        """Accent- and case-insensitive search on name and code: "hung yen" finds "Hưng Yên"."""
        query = self
        for term in fold(text).split():
            query = query.filter(Q(search_text__contains=term) | Q(code__iexact=term))
        return query

    def existing_on(self, day):
        """Agencies that existed on `day`: see Agency.existed_condition."""
        return self.filter(Agency.existed_condition(day))


class Agency(models.Model):
    """An agency of the registry, which may begin and end as the map changes.

    `established_on` and `dissolved_on` say when it existed (blank: not known, taken as
    always). `active` means "in today's registry": with a dissolution date on record the
    model sets it from that date (False from the day of dissolution, as of the last save,
    which the imports and `load_divisions` also make); without one it is a plain flag, kept
    from before dates were recorded. Which agencies existed on a given day, for a report or
    for planning a round, is always asked through `existed_condition(day)`, never `active`.
    """

    class Level(models.TextChoices):
        PROVINCE = "province", _("Provincial level")
        DEPARTMENT = "department", _("Department level")
        DISTRICT = "district", _("District level")
        COMMUNE = "commune", _("Commune level")

    class Applicability(models.TextChoices):
        MANDATORY = "mandatory", _("Mandatory")
        ENCOURAGED = "encouraged", _("Encouraged")

    class IsoVersion(models.TextChoices):
        V2008 = "2008", "TCVN ISO 9001:2008"
        V2015 = "2015", "TCVN ISO 9001:2015"

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[validate_code])
    name = models.CharField(_("name"), max_length=255)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("province")
    )
    # Keyed on the code, so an import can point at a parent created in the same batch.
    parent = models.ForeignKey(
        "self",
        to_field="code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent agency"),
    )
    applicability = models.CharField(
        _("applicability"),
        max_length=12,
        choices=Applicability.choices,
        default=Applicability.ENCOURAGED,
    )
    iso_version = models.CharField(
        _("ISO version"), max_length=4, choices=IsoVersion.choices, blank=True
    )
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    reannounced_on = models.DateField(_("re-announced on"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    search_text = models.CharField(max_length=300, editable=False, default="")
    sort_key = models.CharField(max_length=255, editable=False, default="")

    established_on = models.DateField(_("established on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    # The agency that took over its work: the ward that communes merged into, the province
    # department that absorbed a district's office. Keyed on the code, like `parent`.
    successor = models.ForeignKey(
        "self",
        to_field="code",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        verbose_name=_("successor"),
    )
    # The agency's ISO contact, who receives the reminders of its findings (all optional).
    contact_name = models.CharField(_("contact name"), max_length=255, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "code"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        permissions = [
            ("import_agency", _("Can import agency lists")),
            ("export_agency", _("Can export agency lists")),
        ]
        indexes = [
            models.Index(fields=["province", "level"]),
            # Agencies in their order with their ids, from the index alone: the round page
            # walks it to choose a page's inspections in agency order.
            models.Index(fields=["sort_key", "id"], name="agency_sort_key"),
        ]
        constraints = [
            models.CheckConstraint(
                name="agency_dissolved_after_established",
                condition=Q(established_on__isnull=True)
                | Q(dissolved_on__isnull=True)
                | Q(dissolved_on__gt=models.F("established_on")),
                violation_error_message=_("An agency is dissolved after it is established."),
            )
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_derived()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_text", "sort_key"}
        if update_fields is not None and "dissolved_on" in update_fields:
            kwargs["update_fields"] = {*kwargs["update_fields"], "active"}
        super().save(*args, **kwargs)
        self._loaded_dissolved_on = self.dissolved_on

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Remembered so that clearing a dissolution date puts the agency back (refresh_derived).
        instance._loaded_dissolved_on = instance.__dict__.get("dissolved_on")
        return instance

    def refresh_derived(self):
        """Recompute the stored columns that follow from others: search and sort from the
        name, `active` from the dissolution date.

        Called by save() and by bulk imports, which bypass save().
        """
        self.name = clean_line(self.name)
        self.search_text = fold(f"{self.name} {self.code}")[:300]
        self.sort_key = sort_key(self.name)
        if self.dissolved_on is not None:
            self.active = self.dissolved_on > timezone.localdate()
        elif getattr(self, "_loaded_dissolved_on", None) is not None:
            self.active = True  # the dissolution was undone

    @staticmethod
    def existed_condition(day):
        """Q: the agency existed on `day`: established by then, not yet dissolved.

        A blank date is not known and taken as always. An agency marked inactive with no
        dissolution date (taken off the registry before dates were kept) existed on no day
        that can be told, so it counts in no period, as before dates were kept.
        """
        return (Q(established_on__isnull=True) | Q(established_on__lte=day)) & (
            Q(dissolved_on__gt=day) | Q(dissolved_on__isnull=True, active=True)
        )

    def existed_on(self, day):
        """The same rule as existed_condition, for one agency in Python."""
        if self.established_on is not None and self.established_on > day:
            return False
        if self.dissolved_on is not None:
            return self.dissolved_on > day
        return self.active

    @property
    def is_dissolved(self):
        """Dissolved by today: shown with a badge, kept readable, never planned again."""
        return self.dissolved_on is not None and self.dissolved_on <= timezone.localdate()

    @staticmethod
    def announced_condition(day):
        """Q: the agency had announced its QMS by `day`.

        A re-announcement is an announcement too: a record that keeps only the latest date
        counts from that date. Dates after `day` do not count, so a past period's report
        gives the figures of its time.
        """
        return Q(announced_on__lte=day) | Q(reannounced_on__lte=day)

    @staticmethod
    def default_applicability(level):
        """Decision 19/2014: provincial bodies must apply ISO 9001; communes are encouraged."""
        if level == Agency.Level.COMMUNE:
            return Agency.Applicability.ENCOURAGED
        return Agency.Applicability.MANDATORY

    @property
    def is_announced(self):
        return self.announced_on is not None


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    province = models.ForeignKey(
        Province,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("province"),
    )
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("agency")
    )

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                name="profile_province_matches_role",
                condition=(
                    Q(role__in=["admin", "national_viewer"], province__isnull=True)
                    | Q(role__in=["provincial_staff", "inspector"], province__isnull=False)
                ),
                violation_error_message=_(
                    "Provincial staff and inspectors need a province; "
                    "administrators and national viewers have none."
                ),
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.sync_groups()

    def sync_groups(self):
        """Keep the user in exactly the Django group of its role, for admin permissions."""
        from django.contrib.auth.models import Group

        groups = list(Group.objects.filter(name__in=Role.values))
        self.user.groups.remove(*[g for g in groups if g.name != self.role])
        self.user.groups.add(*[g for g in groups if g.name == self.role])
        if self.role == Role.ADMIN and not self.user.is_staff:
            self.user.is_staff = True
            self.user.save(update_fields=["is_staff"])
