"""The card inbox: charges with their split and coding, the file import, and the actions on a charge."""

from django.urls import path

from fakturaflyt.cards import views

app_name = "cards"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("import/", views.upload, name="upload"),
    path("accept/", views.accept_many, name="accept_many"),
    path("charges/<int:pk>/", views.charge_detail, name="charge"),
    path("charges/<int:pk>/accept/", views.accept, name="accept"),
    path("charges/<int:pk>/choose/", views.choose, name="choose"),
    path("charges/<int:pk>/single/", views.single_line, name="single_line"),
    path("charges/<int:pk>/assign/", views.assign, name="assign"),
    path("charges/<int:pk>/order-lines/", views.search_order_lines, name="search_order_lines"),
    path("charges/<int:pk>/ignore/", views.ignore, name="ignore"),
    path("charges/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("lines/<int:pk>/code/", views.code, name="code"),
]
