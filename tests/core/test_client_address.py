"""The client's address, for the lockout and the audit log: X-Forwarded-For counts only when
the connection comes from a trusted proxy, and only as far back as trusted hops reach."""

import pytest
from django.test import RequestFactory

from decision.core.requests import client_ip_address

PROXY = "10.0.0.5"


@pytest.fixture
def behind_proxy(settings):
    import ipaddress

    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/24")]


def address(peer: str, forwarded: str | None = None) -> str | None:
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip_address(RequestFactory().get("/", **extra))


def test_without_trusted_proxies_the_socket_peer_is_the_client_whatever_it_claims(settings):
    settings.TRUSTED_PROXIES = []
    assert address("203.0.113.9", "198.51.100.1") == "203.0.113.9"


@pytest.mark.usefixtures("behind_proxy")
def test_a_forged_header_from_an_untrusted_peer_is_ignored():
    assert address("203.0.113.9", "198.51.100.1, 10.0.0.7") == "203.0.113.9"


@pytest.mark.usefixtures("behind_proxy")
def test_behind_a_trusted_proxy_the_client_is_the_entry_it_appended():
    assert address(PROXY, "198.51.100.1") == "198.51.100.1"


@pytest.mark.usefixtures("behind_proxy")
def test_entries_the_client_wrote_left_of_the_proxy_entry_are_not_believed():
    assert address(PROXY, "192.0.2.66, 198.51.100.1") == "198.51.100.1"


@pytest.mark.usefixtures("behind_proxy")
def test_the_walk_passes_every_trusted_hop():
    assert address(PROXY, "192.0.2.66, 198.51.100.1, 10.0.0.9, 10.0.0.8") == "198.51.100.1"


@pytest.mark.usefixtures("behind_proxy")
def test_a_garbled_entry_stops_the_walk_at_the_proxy_that_reported_it():
    assert address(PROXY, "198.51.100.1, not-an-address") == PROXY


@pytest.mark.usefixtures("behind_proxy")
def test_a_trusted_proxy_with_no_header_is_itself_the_client():
    assert address(PROXY) == PROXY


@pytest.mark.usefixtures("behind_proxy")
def test_ipv4_mapped_peers_count_as_their_ipv4_address():
    assert address("::ffff:10.0.0.5", "198.51.100.1") == "198.51.100.1"
