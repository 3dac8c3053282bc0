"""URLs of the privacy app (mounted at /privacy/)."""

from django.urls import path

from fakturaflyt.privacy import views

app_name = "privacy"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("export/", views.person_export, name="export"),
    path("erase/", views.erase, name="erase"),
    path("audit/", views.audit_report, name="audit"),
]
