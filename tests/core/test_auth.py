import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/", "/about/"])
def test_anonymous_users_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={url}"


def test_the_login_page_is_open_and_styled(client):
    response = client.get("/login/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "bootstrap.min.css" in body
    assert 'name="username"' in body and 'name="password"' in body


def test_a_user_logs_in_and_reaches_the_dashboard(client, surgeon):
    response = client.post("/login/", {"username": "surgeon", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Dashboard" in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message(client, surgeon):
    response = client.post("/login/", {"username": "surgeon", "password": "nope-nope-nope"})
    assert response.status_code == 200
    assert "correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_ends_the_session(client, surgeon):
    client.force_login(surgeon)
    response = client.post("/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_logout_by_get_is_refused(client, surgeon):
    client.force_login(surgeon)
    assert client.get("/logout/").status_code == 405


def test_static_files_are_served_without_login(client):
    response = client.get("/static/vendor/bootstrap/css/bootstrap.min.css")
    assert response.status_code == 200


def test_a_role_taken_away_is_refused_from_the_next_request(surgeon_client, surgeon):
    assert surgeon_client.get("/patients/").status_code == 200
    surgeon.groups.clear()
    assert surgeon_client.get("/patients/").status_code == 404


def test_a_role_given_counts_from_the_next_request(client, make_user):
    from django.contrib.auth.models import Group

    visitor = make_user("newcomer")
    client.force_login(visitor)
    assert client.get("/patients/").status_code == 404
    visitor.groups.add(Group.objects.get_or_create(name="tumor_board")[0])
    visitor.groups.add(Group.objects.get_or_create(name="surgeon")[0])
    assert client.get("/patients/").status_code == 200
    assert client.get("/audit/").status_code == 404  # not an auditor


def test_a_deactivated_account_is_logged_out_at_its_next_request(surgeon_client, surgeon):
    assert surgeon_client.get("/").status_code == 200
    surgeon.is_active = False
    surgeon.save(update_fields=["is_active"])
    response = surgeon_client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/login/?next=/")


def test_the_session_user_is_read_with_the_roles_of_all_their_groups(client, make_user):
    from decision.core.roles import user_roles

    both = make_user("both", groups=("surgeon", "auditor", "journal club"))
    client.force_login(both)
    response = client.get("/")
    assert user_roles(response.wsgi_request.user) == {"surgeon", "auditor"}
