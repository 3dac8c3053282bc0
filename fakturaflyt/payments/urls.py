from django.urls import path

from fakturaflyt.payments import views

app_name = "payments"

urlpatterns = [
    path("", views.runs, name="runs"),
    path("propose/", views.propose, name="propose"),
    path("import/", views.import_file, name="import"),
    path("runs/<int:number>/", views.run_detail, name="run"),
    path("runs/<int:number>/approve/", views.approve, name="approve"),
    path("runs/<int:number>/cancel/", views.cancel, name="cancel"),
    path("runs/<int:number>/export/", views.export, name="export"),
    path("runs/<int:number>/file/", views.download, name="file"),
]
