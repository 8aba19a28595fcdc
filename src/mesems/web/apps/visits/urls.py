from django.urls import path

from mesems.web.apps.visits import views

app_name = "visits"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("queries/", views.queries, name="queries"),
    path("queries/<int:query_id>/<str:action>/", views.move_query, name="move_query"),
    path("meddra/", views.meddra_options, name="meddra"),
    path("p/<str:code>/", views.participant, name="participant"),
    path("p/<str:code>/visits/<str:visit_code>/", views.visit, name="visit"),
    path("p/<str:code>/visits/<str:visit_code>/sign/", views.sign, name="sign"),
    path("p/<str:code>/visits/<str:visit_code>/audit/", views.visit_audit, name="visit_audit"),
    path("p/<str:code>/new/<str:slug>/", views.record_new, name="record_new"),
    path("f/<str:slug>/<int:record_id>/", views.record, name="record"),
    path("f/<str:slug>/<int:record_id>/audit/", views.record_audit, name="record_audit"),
    path("f/<str:slug>/<int:record_id>/queries/", views.raise_query, name="raise_query"),
    path("f/<str:slug>/<int:record_id>/verify/", views.verify, name="verify"),
]
