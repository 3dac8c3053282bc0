"""The dashboards, included by the project's url map at ``/dashboards/``."""

from django.urls import path

from fakturaflyt.dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.index, name="index"),
    path("report/<str:month>.pdf", views.report_pdf, name="report"),
]
