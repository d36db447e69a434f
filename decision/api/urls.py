from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_required
from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from decision.api import views

urlpatterns = [
    path("api/v1/evaluate", views.evaluate, name="api_evaluate"),
    path("api/v1/patients/", views.patients, name="api_patients"),
    path("api/v1/patients/<uuid:patient_id>/", views.patient_detail, name="api_patient_detail"),
    path(
        "api/v1/patients/<uuid:patient_id>/assessments/",
        views.patient_assessments,
        name="api_patient_assessments",
    ),
    path("api/v1/patients/<uuid:patient_id>/fhir", views.patient_fhir, name="api_patient_fhir"),
    path(
        "api/v1/assessments/<uuid:assessment_id>/",
        views.assessment_detail,
        name="api_assessment_detail",
    ),
    path(
        "api/v1/assessments/<uuid:assessment_id>/fhir",
        views.assessment_fhir,
        name="api_assessment_fhir",
    ),
    path(
        "api/v1/schema/",
        SpectacularJSONAPIView.as_view(),
        name="api_schema",
    ),
    path(
        "api/v1/schema/docs/",
        # DRF leaves logins to its own authentication; this page is for people, who log in.
        # Swagger UI sets element styles from its script, which the policy must allow here.
        login_required(
            csp_update({"style-src": [UNSAFE_INLINE]})(
                SpectacularSwaggerSplitView.as_view(url_name="api_schema")
            )
        ),
        name="api_schema_docs",
    ),
]
