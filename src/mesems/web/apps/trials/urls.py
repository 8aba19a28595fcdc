from django.urls import path

from mesems.web.apps.trials import views

urlpatterns = [
    path("", views.home, name="home"),
    path("participants/<str:code>/", views.participant_detail, name="participant"),
    path("participants/<str:code>/edit/", views.participant_edit, name="participant_edit"),
]
