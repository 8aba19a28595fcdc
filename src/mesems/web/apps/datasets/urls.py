from django.urls import path

from mesems.web.apps.datasets import views

app_name = "datasets"

urlpatterns = [
    path("", views.index, name="index"),
    path("report/", views.report, name="report"),
    path("export/", views.export, name="export"),
]
