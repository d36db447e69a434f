from django.urls import path

from decision.core import views

urlpatterns = [
    path("favicon.ico", views.favicon, name="favicon"),
    path("about/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),
]
