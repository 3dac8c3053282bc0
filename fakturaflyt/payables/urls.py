from django.urls import path

from fakturaflyt.payables import supplier_views, views

app_name = "payables"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/upload/", views.upload, name="upload"),
    path("inbox/<int:pk>/", views.document_detail, name="document"),
    path("inbox/<int:pk>/file/", views.document_file, name="document_file"),
    path("inbox/<int:pk>/pages/<int:page>.png", views.document_page, name="document_page"),
    path("inbox/<int:pk>/attachments/<int:index>/", views.attachment, name="attachment"),
    path("inbox/<int:pk>/attachments/<int:index>/pages/<int:page>.png", views.attachment_page, name="attachment_page"),
    path("inbox/<int:pk>/fields/<slug:name>/", views.document_field, name="document_field"),
    path("inbox/<int:pk>/retry/", views.retry, name="retry"),
    path("inbox/<int:pk>/reject/", views.reject, name="reject"),
    path("inbox/<int:pk>/not-a-duplicate/", views.dismiss_duplicate, name="dismiss_duplicate"),
    path("suppliers/", views.supplier_list, name="suppliers"),
    path("suppliers/<int:pk>/", supplier_views.supplier_detail, name="supplier"),
    path("suppliers/<int:pk>/bank-account/", supplier_views.request_change, name="supplier_bank_change"),
    path("suppliers/bank-account-changes/", supplier_views.pending_changes, name="bank_changes"),
    path(
        "suppliers/bank-account-changes/<int:change_id>/approve/",
        supplier_views.approve_change,
        name="bank_change_approve",
    ),
    path(
        "suppliers/bank-account-changes/<int:change_id>/reject/",
        supplier_views.reject_change,
        name="bank_change_reject",
    ),
]
