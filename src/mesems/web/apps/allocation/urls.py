from django.urls import path

from mesems.web.apps.allocation import views

app_name = "allocation"

urlpatterns = [
    path("", views.index, name="index"),
    path("participants/<str:code>/", views.detail, name="detail"),
    path("participants/<str:code>/randomise/", views.randomise, name="randomise"),
    path("participants/<str:code>/unblind/", views.unblind, name="unblind"),
    path("balance/", views.balance, name="balance"),
    path("list/", views.list_status, name="list"),
    path("emergency-unblindings/", views.unblindings, name="unblindings"),
    path("second-factor/", views.second_factor, name="second-factor"),
]
