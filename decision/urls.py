from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from decision.core import views as core_views

urlpatterns = [
    path("", include("decision.core.urls")),
    path("", include("decision.clinic.urls")),
    path("", include("decision.board.urls")),
    path("", include("decision.audit.urls")),
    path("", include("decision.accounts.urls")),
    path("", include("decision.cds.urls")),
    path("", include("decision.api.urls")),
    path("login/", core_views.login, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]

handler400 = "decision.core.errors.bad_request"
handler404 = "decision.core.errors.page_not_found"
handler500 = "decision.core.errors.server_error"
