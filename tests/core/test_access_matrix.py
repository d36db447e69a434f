"""Every URL and method, for anonymous visitors, each role and an administrator.

Expected outcomes: ``ok`` (the page or action is served: 200, or a redirect that is not to
the login page), ``login`` (sent to log in), 403 (a clinical user whose role may not do
this), 404 (someone who may not know the object or page exists).
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from decision.board import services as board_services
from tests.factories import EXAMPLE_1_FORM, make_assessment, make_meeting, make_patient

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "surgeon", "board_member", "auditor", "no_role_user", "admin_user"]

OPEN = dict.fromkeys(PERSONAS, "ok")
ANY_USER = {**dict.fromkeys(PERSONAS, "ok"), "anonymous": "login"}
CLINICAL_READ = {
    "anonymous": "login",
    "surgeon": "ok",
    "board_member": "ok",
    "auditor": 404,
    "no_role_user": 404,
    "admin_user": "ok",
}
CLINICAL_WRITE = {**CLINICAL_READ, "board_member": 403}
BOARD_WRITE = {**CLINICAL_READ, "surgeon": 403}
AUDIT_READ = {
    "anonymous": "login",
    "surgeon": 404,
    "board_member": 404,
    "auditor": "ok",
    "no_role_user": 404,
    "admin_user": "ok",
}
CDS_TOKEN = dict.fromkeys(PERSONAS, 401)
ADMIN_SITE = {**dict.fromkeys(PERSONAS, "admin_login"), "admin_user": "ok"}

NEW_PATIENT = {
    "mrn": "M-{key}",
    "family_name": "Matrix",
    "given_name": "Ada",
    "date_of_birth": "1960-01-01",
    "sex": "female",
}
ASSESSMENT = {**EXAMPLE_1_FORM, "idempotency_key": "{key}"}

# (url name, method, path, data, expected by persona)
MATRIX = [
    ("healthz", "get", "/healthz", {}, OPEN),
    ("favicon", "get", "/favicon.ico", {}, OPEN),
    ("login", "get", "/login/", {}, OPEN),
    ("logout", "post", "/logout/", {}, dict.fromkeys(PERSONAS, "login")),
    # The second step of a login, for users who have given their password: none of the
    # personas has an authenticator set up, so the code page sends them to set one up.
    ("two_factor_verify", "get", "/login/two-factor/", {}, ANY_USER),
    ("two_factor_verify", "post", "/login/two-factor/", {"code": "000000"}, ANY_USER),
    ("two_factor_enrol", "get", "/login/two-factor/enrol/", {}, ANY_USER),
    ("two_factor_enrol", "post", "/login/two-factor/enrol/", {"code": "000000"}, ANY_USER),
    ("two_factor_recovery_codes", "get", "/login/two-factor/recovery-codes/", {}, ANY_USER),
    ("dashboard", "get", "/", {}, ANY_USER),
    ("about", "get", "/about/", {}, ANY_USER),
    ("patient_list", "get", "/patients/", {}, CLINICAL_READ),
    ("patient_list", "post", "/patients/", {"query": "Matrix"}, CLINICAL_READ),
    ("patient_create", "get", "/patients/new/", {}, CLINICAL_WRITE),
    ("patient_create", "post", "/patients/new/", NEW_PATIENT, CLINICAL_WRITE),
    ("patient_detail", "get", "/patients/{patient}/", {}, CLINICAL_READ),
    ("assessment_create", "get", "/patients/{patient}/assessments/new/", {}, CLINICAL_WRITE),
    (
        "assessment_create",
        "post",
        "/patients/{patient}/assessments/new/",
        ASSESSMENT,
        CLINICAL_WRITE,
    ),
    ("assessment_detail", "get", "/assessments/{case}/", {}, CLINICAL_READ),
    ("assessment_correct", "get", "/assessments/{case}/correct/", {}, CLINICAL_WRITE),
    (
        "assessment_correct",
        "post",
        "/assessments/{case}/correct/",
        {**ASSESSMENT, "supersede_reason": "typo"},
        CLINICAL_WRITE,
    ),
    ("board_queue", "get", "/board/", {}, CLINICAL_READ),
    (
        "board_agenda_add",
        "post",
        "/board/agenda/add/",
        {"meeting": "{meeting}", "assessments": ["{other}"]},
        BOARD_WRITE,
    ),
    ("board_case", "get", "/board/cases/{case}/", {}, CLINICAL_READ),
    (
        "board_case",
        "post",
        "/board/cases/{case}/",
        {"outcome": "agree", "plan": "", "rationale": "", "idempotency_key": "{key}"},
        BOARD_WRITE,
    ),
    ("board_case_print", "get", "/board/cases/{case}/print/", {}, CLINICAL_READ),
    ("board_meetings", "get", "/board/meetings/", {}, CLINICAL_READ),
    ("board_meeting_create", "get", "/board/meetings/new/", {}, BOARD_WRITE),
    (
        "board_meeting_create",
        "post",
        "/board/meetings/new/",
        {"meeting_date": "2030-01-02", "title": "MDT"},
        BOARD_WRITE,
    ),
    ("board_meeting", "get", "/board/meetings/{meeting}/", {}, CLINICAL_READ),
    (
        "board_agenda_move",
        "post",
        "/board/meetings/{meeting}/agenda/{item}/move/",
        {"direction": "up"},
        BOARD_WRITE,
    ),
    (
        "board_agenda_remove",
        "post",
        "/board/meetings/{meeting}/agenda/{item}/remove/",
        {},
        BOARD_WRITE,
    ),
    (
        "board_attendance",
        "post",
        "/board/meetings/{meeting}/attendance/",
        {"members_present": ["{board_member_id}"]},
        BOARD_WRITE,
    ),
    (
        "board_guest_add",
        "post",
        "/board/meetings/{meeting}/guests/",
        {"name": "Dr A", "specialty": "Oncology"},
        BOARD_WRITE,
    ),
    (
        "board_guest_remove",
        "post",
        "/board/meetings/{meeting}/guests/{guest}/remove/",
        {},
        BOARD_WRITE,
    ),
    ("board_handout", "get", "/board/meetings/{meeting}/handout/", {}, CLINICAL_READ),
    ("board_export", "get", "/board/export/", {}, BOARD_WRITE),
    (
        "board_export",
        "post",
        "/board/export/",
        {"date_from": "2020-01-01", "date_to": "2030-01-01"},
        BOARD_WRITE,
    ),
    ("board_concordance", "get", "/board/concordance/", {}, CLINICAL_READ),
    ("audit_log", "get", "/audit/", {}, AUDIT_READ),
    (
        "audit_log",
        "get",
        "/audit/?action=auth.login&patient=00000000-0000-4000-8000-000000000000",
        {},
        AUDIT_READ,
    ),
    ("admin:index", "get", "/admin/", {}, ADMIN_SITE),
    # CDS Hooks: machine endpoints, whoever is logged in. Discovery is open; the service and
    # its feedback want a record system's signed token, which no session replaces.
    ("cds_discovery", "get", "/cds-services", {}, OPEN),
    ("cds_service", "post", "/cds-services/crlm-assessment", {}, CDS_TOKEN),
    ("cds_feedback", "post", "/cds-services/crlm-assessment/feedback", {}, CDS_TOKEN),
]


@pytest.fixture
def world(surgeon, board_member, auditor, no_role_user, admin_user):
    patient = make_patient(surgeon)
    case = make_assessment(patient, surgeon)
    other = make_assessment(make_patient(surgeon), surgeon)
    meeting = make_meeting(board_member)
    board_services.agenda_cases_add(organiser=board_member, meeting=meeting, assessments=[case])
    guest = board_services.guest_add(
        organiser=board_member, meeting=meeting, name="Dr Moreau", specialty="Radiology"
    )
    return {
        "personas": {
            "anonymous": None,
            "surgeon": surgeon,
            "board_member": board_member,
            "auditor": auditor,
            "no_role_user": no_role_user,
            "admin_user": admin_user,
        },
        "values": {
            "patient": patient.pk,
            "case": case.pk,
            "other": other.pk,
            "meeting": meeting.pk,
            "item": meeting.agenda_items.get().pk,
            "guest": guest.pk,
            "board_member_id": board_member.pk,
        },
    }


def fill(template, values):
    if isinstance(template, str):
        return template.format(**values, key=uuid.uuid4())
    if isinstance(template, list):
        return [fill(item, values) for item in template]
    return {name: fill(value, values) for name, value in template.items()}


def outcome_of(response) -> object:
    location = response.get("Location", "")
    if response.status_code == 302 and re.match(r"/login/(\?|$)", location):
        return "login"
    if response.status_code == 302 and location.startswith("/admin/login/"):
        return "admin_login"
    if response.status_code in (200, 302):
        return "ok"
    return response.status_code


CASES = [
    pytest.param(method, path, data, persona, expected[persona], id=f"{method}-{name}-{persona}")
    for name, method, path, data, expected in MATRIX
    for persona in PERSONAS
]


@pytest.mark.parametrize(("method", "path", "data", "persona", "expected"), CASES)
def test_each_url_answers_each_persona_as_its_role_allows(
    client, world, method, path, data, persona, expected
):
    user = world["personas"][persona]
    if user is not None:
        client.force_login(user)
    values = world["values"]
    response = getattr(client, method)(fill(path, values), fill(data, values))
    assert outcome_of(response) == expected


def _named_patterns(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin:index"
                continue
            yield from _named_patterns(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_the_matrix_covers_every_url_of_the_app():
    named = set(_named_patterns(get_resolver().url_patterns))
    # The JSON API has its own matrix, for tokens and sessions: tests/api/test_access.py.
    api = {name for name in named if name.startswith("api_")}
    assert named - api == {name for name, *_ in MATRIX}


def test_methods_a_page_does_not_accept_are_refused(client, surgeon):
    client.force_login(surgeon)
    assert client.delete("/patients/").status_code == 405
    assert client.put("/patients/new/").status_code == 405
    assert client.post("/healthz").status_code == 405
