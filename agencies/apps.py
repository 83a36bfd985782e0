from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "agencies"
    verbose_name = _("Agency registry")

    def ready(self):
        # Permissions exist only after migrate, so the role groups are kept in step then.
        post_migrate.connect(ensure_role_groups, sender=self)


def ensure_role_groups(using="default", **kwargs):
    from django.contrib.auth.models import Group, Permission

    from agencies.models import Role

    for role in Role.values:
        Group.objects.using(using).get_or_create(name=role)
    admin_group = Group.objects.using(using).get(name=Role.ADMIN)
    admin_group.permissions.set(
        Permission.objects.using(using).filter(
            content_type__app_label__in=["agencies", "inspections", "auth"]
        )
    )
