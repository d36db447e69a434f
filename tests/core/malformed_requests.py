"""A corpus of requests whose bodies cannot be read as a form, as an attacker or a broken
client sends them. Each entry is (name, content type, body). The test modules send each
one to every POST URL of the app, as every role."""

from __future__ import annotations

from django.conf import settings

BOUNDARY = "CorpusBoundary7MA4YWxkTrZu0gW"


def _multipart(*parts: bytes, boundary: str = BOUNDARY, close: bool = True) -> bytes:
    body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
    return body + (b"--" + boundary.encode() + b"--\r\n" if close else b"")


def _field(name: str, value: bytes, headers: bytes = b"") -> bytes:
    disposition = f'Content-Disposition: form-data; name="{name}"\r\n'.encode()
    return disposition + headers + b"\r\n" + value


_MANY = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 10
_TOO_BIG = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1

# Bodies no form can be read from: each must be answered 400, with nothing written.
UNREADABLE = [
    (
        "urlencoded-latin-1",
        "application/x-www-form-urlencoded; charset=latin-1",
        "username=caf\xe9&password=cr\xe8me".encode("latin-1"),
    ),
    (
        "urlencoded-utf-16",
        "application/x-www-form-urlencoded; charset=utf-16",
        "username=ada&password=secret".encode("utf-16"),
    ),
    (
        "urlencoded-utf-7",
        "application/x-www-form-urlencoded; charset=utf-7",
        b"username=+AGEAZABh-&password=x",
    ),
    ("multipart-no-boundary", "multipart/form-data", _multipart(_field("username", b"ada"))),
    ("multipart-empty-boundary", "multipart/form-data; boundary=", b"--\r\n\r\n----\r\n"),
    (
        "multipart-oversized-boundary",
        "multipart/form-data; boundary=" + "b" * 300,
        _multipart(_field("username", b"ada"), boundary="b" * 300),
    ),
    (
        "multipart-invalid-boundary",
        "multipart/form-data; boundary=\x00\x01",
        b"--\x00\x01\r\n\r\n",
    ),
    (
        "multipart-too-many-fields",
        f"multipart/form-data; boundary={BOUNDARY}",
        _multipart(*(_field(f"f{index}", b"1") for index in range(_MANY))),
    ),
    (
        "urlencoded-too-many-fields",
        "application/x-www-form-urlencoded",
        "&".join(f"f{index}=1" for index in range(_MANY)).encode(),
    ),
    (
        "urlencoded-oversized",
        "application/x-www-form-urlencoded",
        b"username=" + b"a" * _TOO_BIG,
    ),
    (
        "multipart-oversized-field",
        f"multipart/form-data; boundary={BOUNDARY}",
        _multipart(_field("username", b"a" * _TOO_BIG)),
    ),
]

# Bodies that can be read but hold what no form expects: each must be answered without a
# server error (a form error, a refusal or a redirect).
HOSTILE = [
    (
        "multipart-oversized-part-header",
        f"multipart/form-data; boundary={BOUNDARY}",
        _multipart(_field("username", b"ada", headers=b"X-Padding: " + b"h" * 20_000 + b"\r\n")),
    ),
    (
        "multipart-unclosed",
        f"multipart/form-data; boundary={BOUNDARY}",
        _multipart(_field("username", b"ada"), close=False),
    ),
    (
        "multipart-part-charset-unknown",
        f"multipart/form-data; boundary={BOUNDARY}",
        _multipart(
            _field("username", b"ada", headers=b"Content-Type: text/plain; charset=x-bogus\r\n")
        ),
    ),
    (
        "multipart-part-charset-utf-16",
        f"multipart/form-data; boundary={BOUNDARY}",
        _multipart(
            _field(
                "username",
                "ada".encode("utf-16"),
                headers=b"Content-Type: text/plain; charset=utf-16\r\n",
            )
        ),
    ),
    (
        "multipart-file-upload",
        f"multipart/form-data; boundary={BOUNDARY}",
        _multipart(
            b'Content-Disposition: form-data; name="username"; filename="../../etc/passwd"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n\x00\x01\x02"
        ),
    ),
    ("urlencoded-invalid-utf-8", "application/x-www-form-urlencoded", b"username=\xff\xfe\xc3"),
    ("urlencoded-bad-escapes", "application/x-www-form-urlencoded", b"username=%zz%&%%=%"),
    ("urlencoded-nul", "application/x-www-form-urlencoded", b"username=a%00b&password=%00"),
    ("json-garbage", "application/json", b'{"username": ["\\ud800"'),
    ("no-content-type", "", b"\x00\xff" * 64),
    ("text-plain", "text/plain; charset=utf-32", "username=ada".encode("utf-32")),
]
