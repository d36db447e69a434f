"""Fixtures shared by the whole suite: people who use the app, and a real browser."""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's synchronous API runs an event loop in the test thread; Django refuses
# database access from such a thread unless told that this is intended.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct-horse-battery-staple"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On PostgreSQL the append-only tables refuse TRUNCATE unless the database allows it
    (``crlm.allow_truncate``): the test database does, since Django empties the tables
    with TRUNCATE between tests that commit."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER DATABASE {name} SET crlm.allow_truncate = 'on'")
                cursor.execute("SET crlm.allow_truncate = 'on'")


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, as each test starts with an empty database."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Production hashes passwords deliberately slowly; tests need not."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres_only`` are skipped, with their reason, unless the suite runs
    on PostgreSQL."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL to run it)")
    for item in items:
        if item.get_closest_marker("postgres_only"):
            item.add_marker(skip)


@pytest.fixture
def make_user(django_user_model):
    def make(username: str, *, groups: tuple[str, ...] = (), **extra):
        from django.contrib.auth.models import Group

        user = django_user_model.objects.create_user(username=username, password=PASSWORD, **extra)
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        return user

    return make


@pytest.fixture
def surgeon(make_user):
    return make_user("surgeon", groups=("surgeon",), first_name="Sam", last_name="Cutter")


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser(
        username="chief", password=PASSWORD, email="chief@example.org"
    )


def find_chromium() -> str | None:
    """The system Chromium: ``CHROMIUM_PATH``, else the usual names on PATH."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if os.path.exists(explicit) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.fixture(scope="session")
def chromium():
    """A headless system Chromium driven by Playwright.

    Without a browser the browser tests are skipped locally, but fail in CI (``CI`` set),
    so that a CI run can never pass without having driven a real browser.
    """
    executable = find_chromium()
    if executable is None:
        message = "no Chromium found (install it, or set CHROMIUM_PATH)"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {message}", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(base_url=live_server.url, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def log_in(page):
    """Log in through the real login form."""

    def log_in_as(user) -> None:
        page.goto("/login/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()

    return log_in_as


@pytest.fixture
def board_member(make_user):
    return make_user("boardmember", groups=("tumor_board",), first_name="Bea", last_name="Board")


@pytest.fixture
def auditor(make_user):
    return make_user("auditor", groups=("auditor",))


@pytest.fixture
def no_role_user(make_user):
    return make_user("visitor")


@pytest.fixture
def surgeon_client(client, surgeon):
    client.force_login(surgeon)
    return client


@pytest.fixture
def board_client(client, board_member):
    client.force_login(board_member)
    return client
