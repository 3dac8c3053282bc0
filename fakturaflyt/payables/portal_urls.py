"""The supplier portal's own pages (``portal:*``); its start page is the site's home for a supplier contact."""

from django.urls import path

from fakturaflyt.payables import portal, supplier_views

app_name = "portal"

urlpatterns = [
    path("upload/", portal.upload, name="upload"),
    path("bank-account/", supplier_views.portal_bank_account, name="bank_account"),
    path("documents/<int:pk>/", portal.document, name="document"),
    path("documents/<int:pk>/file/", portal.document_file, name="file"),
    path("documents/<int:pk>/pages/<int:page>.png", portal.document_page, name="page"),
]
