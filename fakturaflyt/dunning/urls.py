"""Reminders (purring), collection notices (inkassovarsel) and handover to collection, by Norwegian law."""

from django.urls import path

from fakturaflyt.dunning import views

app_name = "dunning"

urlpatterns = [
    path("", views.index, name="index"),
    path("run/", views.run, name="run"),
    path("invoices/<int:invoice_id>/hand-over/", views.hand_over, name="hand_over"),
    path("cases/<int:pk>/export.<str:fmt>", views.case_export, name="case_export"),
    path("notices/<int:pk>/letter.pdf", views.notice_pdf, name="notice_pdf"),
]
