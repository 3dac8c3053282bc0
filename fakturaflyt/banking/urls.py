"""Bank statements and notifications (camt.053/054, Nets OCR giro), their entries and the reconciliation."""

from django.urls import path

from fakturaflyt.banking import views

app_name = "banking"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.upload, name="upload"),
    path("imports/<int:pk>/", views.import_status, name="import_status"),
    path("reconcile/", views.reconcile, name="reconcile"),
    path("entries/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("entries/<int:pk>/ignore/", views.ignore, name="ignore"),
    path("entries/<int:pk>/invoices/", views.search_invoices, name="search_invoices"),
]
