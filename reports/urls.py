from django.urls import path, register_converter

from reports import views


class FormatConverter:
    regex = "pdf|xlsx|docx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(FormatConverter, "format")

urlpatterns = [
    path("reports/", views.province_report, name="province_report"),
    path(
        "reports/download.<format:fmt>",
        views.province_download,
        name="province_report_download",
    ),
    path("reports/issuing-details/", views.issuing_details, name="report_issuing_details"),
    path("reports/draft/", views.report_draft, name="report_draft"),
    path(
        "reports/unrecorded-announcements/",
        views.unrecorded_announcements,
        name="report_unrecorded_announcements",
    ),
    path("reports/prepare.<format:fmt>", views.province_prepare, name="province_report_prepare"),
    path("reports/national/", views.national_report, name="national_report"),
    path(
        "reports/national/download.<format:fmt>",
        views.national_download,
        name="national_report_download",
    ),
    path(
        "reports/national/prepare.<format:fmt>",
        views.national_prepare,
        name="national_report_prepare",
    ),
]
