from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from compliance.views import home

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
