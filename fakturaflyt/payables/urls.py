from django.urls import path

from fakturaflyt.payables import views

app_name = "payables"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("suppliers/", views.supplier_list, name="suppliers"),
    path("approvals/", views.approvals, name="approvals"),
    path("payments/", views.payments, name="payments"),
]
