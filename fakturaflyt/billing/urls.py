"""Billing sources: orders, time entries, contracts and subscriptions, and the billing run."""

from django.urls import path

from fakturaflyt.billing import views

app_name = "billing"

urlpatterns = [
    path("", views.index, name="index"),
    path("run/", views.run, name="run_now"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
]
