from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from compliance.views import home

# The admin names the site, not Django ("Trang quản trị cho Django").
admin.site.site_header = _("ISO 9001 inspection management")
admin.site.site_title = _("ISO 9001 inspection management")
admin.site.index_title = _("Administration")

urlpatterns = [
    path("", home, name="home"),
    path("", include("agencies.urls")),
    path("", include("inspections.urls")),
    path("", include("reports.urls")),
    path("jobs/", include("jobs.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path(settings.ADMIN_URL, admin.site.urls),
]
