from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from mesems.web.api import api
from mesems.web.apps.accounts.views import LoginView

urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("site/", include("mesems.web.apps.visits.urls")),
    path("allocation/", include("mesems.web.apps.allocation.urls")),
    path("cellproduct/", include("mesems.web.apps.cellproduct.urls")),
    path("screening/", include("mesems.web.apps.screening.urls")),
    path("account/", include("mesems.web.apps.accounts.urls")),
    path("reports/", include("mesems.web.apps.datasets.urls")),
    path("", include("mesems.web.apps.trials.urls")),
]
