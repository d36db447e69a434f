from django.urls import path

from decision.clinic import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("patients/<uuid:patient_id>/", views.patient_detail, name="patient_detail"),
    path(
        "patients/<uuid:patient_id>/assessments/new/",
        views.assessment_create,
        name="assessment_create",
    ),
    path("assessments/<uuid:assessment_id>/", views.assessment_detail, name="assessment_detail"),
    path(
        "assessments/<uuid:assessment_id>/correct/",
        views.assessment_correct,
        name="assessment_correct",
    ),
]
