from django.urls import path, re_path

from decision.cds import views
from decision.cds.cards import SERVICE_ID

urlpatterns = [
    path("cds-services", views.discovery, name="cds_discovery"),
    path(f"cds-services/{SERVICE_ID}", views.patient_view, name="cds_service"),
    path(f"cds-services/{SERVICE_ID}/feedback", views.feedback, name="cds_feedback"),
    re_path(r"^cds-services/(?P<rest>.*)$", views.not_found),
]
