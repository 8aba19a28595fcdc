from django.urls import path

from mesems.web.apps.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.screening_log, name="log"),
    path("new/", views.new_screening, name="new"),
    path("preview/", views.preview, name="preview"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/consent/", views.consent, name="consent"),
    path("<str:code>/withdraw/", views.withdraw, name="withdraw"),
]
