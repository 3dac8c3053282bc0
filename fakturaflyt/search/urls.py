"""The search pages: the full results page and the box's dropdown."""

from django.urls import path

from fakturaflyt.search import views

app_name = "search"

urlpatterns = [
    path("", views.page, name="page"),
    path("suggest/", views.suggest, name="suggest"),
]
