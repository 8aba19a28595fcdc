from django.urls import path

from mesems.web.apps.accounts import views

app_name = "accounts"

urlpatterns = [
    path("second-factor/", views.second_factor, name="second_factor"),
]
