from django.urls import path

from decision.accounts import views

urlpatterns = [
    path("login/two-factor/", views.two_factor_verify, name="two_factor_verify"),
    path("login/two-factor/enrol/", views.two_factor_enrol, name="two_factor_enrol"),
    path(
        "login/two-factor/recovery-codes/",
        views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
]
