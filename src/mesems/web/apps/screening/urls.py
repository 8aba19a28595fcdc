from django.urls import path

from mesems.web.apps.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.screening_log, name="log"),
    path("new/", views.new_screening, name="new"),
    path("preview/", views.preview, name="preview"),
    path("<str:number>/", views.detail, name="detail"),
    path("<str:number>/edit/", views.edit, name="edit"),
    path("<str:number>/consent/", views.consent, name="consent"),
    path("<str:number>/withdraw/", views.withdraw, name="withdraw"),
]
