"""The benchmark's baseline page exists only when DJANGO_BENCHMARK_VIEWS is true."""

import importlib

import pytest
from django.urls import clear_url_caches

pytestmark = pytest.mark.django_db


def _reload_urlconf() -> None:
    import decision.urls

    importlib.reload(decision.urls)
    clear_url_caches()


@pytest.fixture
def benchmark_views(settings):
    settings.BENCHMARK_VIEWS = True
    _reload_urlconf()
    yield
    settings.BENCHMARK_VIEWS = False
    _reload_urlconf()


def test_the_baseline_page_is_absent_by_default(surgeon_client):
    assert surgeon_client.get("/bench/baseline/").status_code == 404


def test_the_baseline_page_makes_one_query_of_its_own(
    benchmark_views, surgeon_client, django_assert_num_queries
):
    surgeon_client.get("/bench/baseline/")  # the session's first request also writes it
    # Session and user are loaded by the middleware for every page; the page adds one.
    with django_assert_num_queries(3):
        response = surgeon_client.get("/bench/baseline/")
    assert (response.status_code, response.content) == (200, b"ok\n")


def test_the_baseline_page_needs_a_login(benchmark_views, client):
    response = client.get("/bench/baseline/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
