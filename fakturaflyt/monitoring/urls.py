"""URLs of the monitoring app: named for ``reverse()``; requests to them are answered by the middleware first."""

from django.urls import path

from fakturaflyt.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
