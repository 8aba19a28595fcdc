from django.urls import path

from mesems.web.apps.cellproduct import views

app_name = "cellproduct"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("participants/<str:code>/", views.product, name="product"),
    path("participants/<str:code>/custody/", views.custody, name="custody"),
    path("participants/<str:code>/steps/<str:name>/", views.step, name="step"),
    path("weight/<str:code>/", views.weight, name="weight"),
    path("bedside/<str:code>/", views.bedside, name="bedside"),
]
