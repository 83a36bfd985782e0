from django.urls import path

from agencies import views

urlpatterns = [
    path("agencies/", views.agency_list, name="agency_list"),
    path("agencies/<str:code>/", views.agency_detail, name="agency_detail"),
    path(
        "agencies/<str:code>/announcement/",
        views.agency_record_announcement,
        name="agency_record_announcement",
    ),
]
