"""Evaluate one JSON object of findings and print the result, or the errors, as JSON.

Exit status 0 with the result object, or 1 with ``{"errors": {...}}`` naming every
offending field. The same input and ``--as-of`` always give byte-identical output.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from datetime import date
from typing import IO, Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from decision.rules import FindingsInvalid, evaluate_json_bytes, render_json
from decision.rules.findings import IsDate
from decision.rules.jsonio import ALL, MAX_INPUT_BYTES

STDIN = "-"
_CHUNK = 64 * 1024


def _read_at_most(stream: IO[Any] | None, limit: int) -> bytes:
    """Read up to ``limit`` bytes; enough to tell oversized input without reading it all."""
    if stream is None:
        # Python sets sys.stdin to None when the process was started with it closed.
        raise OSError(errno.EBADF, "it is closed")
    source = getattr(stream, "buffer", stream)
    chunks: list[bytes] = []
    size = 0
    while size < limit:
        chunk = source.read(min(_CHUNK, limit - size))
        if not chunk:
            break
        if isinstance(chunk, str):
            # A text stream handed in by a caller; unencodable text then fails as UTF-8.
            chunk = chunk.encode("utf-8", "surrogatepass")
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _read_findings(path: str, stdin: IO[Any] | None) -> bytes:
    """The raw findings from ``path`` or, for "-", standard input; at most one byte more
    than the evaluator accepts. Raises OSError (or ValueError for a path with a NUL)."""
    if path == STDIN:
        return _read_at_most(stdin, MAX_INPUT_BYTES + 1)
    with open(path, "rb") as findings_file:
        return _read_at_most(findings_file, MAX_INPUT_BYTES + 1)


def _today() -> date:
    now = timezone.now()
    return timezone.localdate(now) if timezone.is_aware(now) else now.date()


class Command(BaseCommand):
    help = (
        "Evaluate one JSON object of findings from PATH (or standard input) with rule set "
        "kemeny-2006. Prints the result as JSON and exits 0, or prints "
        '{"errors": {...}} and exits 1.'
    )
    # The evaluation needs neither the database nor the project's system checks.
    requires_system_checks: list[str] = []
    stealth_options = ("stdin",)

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            default=STDIN,
            metavar="PATH",
            help='JSON file of findings; "-" or nothing reads standard input.',
        )
        parser.add_argument(
            "--as-of",
            dest="as_of",
            nargs="?",
            const="",
            default=None,
            metavar="YYYY-MM-DD",
            help="Evaluation date; no finding may be dated after it (default: today).",
        )

    def handle(self, *args: Any, path: str, as_of: str | None, **options: Any) -> None:
        errors: dict[str, list[str]] = {}
        evaluation_date = _today()
        if as_of is not None:
            parsed, message = IsDate().clean(as_of)
            if message is None:
                evaluation_date = parsed
            else:
                errors["as_of"] = [message]

        raw = b""
        try:
            raw = _read_findings(path, options.get("stdin") or sys.stdin)
        except (OSError, ValueError) as error:
            source = "standard input" if path == STDIN else path
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            errors[ALL] = [f"Cannot read {source}: {reason}."]

        if not errors:
            try:
                result = evaluate_json_bytes(raw, as_of=evaluation_date)
            except FindingsInvalid as invalid:
                errors = invalid.errors
            else:
                self._write(result, options)
                return
        self._write({"errors": errors}, options)
        raise SystemExit(1)

    def _write(self, obj: object, options: dict[str, Any]) -> None:
        """Write ``obj`` as UTF-8 JSON bytes, whatever the encoding of the output stream."""
        data = render_json(obj).encode("utf-8")
        stream = options.get("stdout") or sys.stdout
        if stream is None:  # started with standard output closed: nowhere to write
            return
        buffer = getattr(stream, "buffer", None)
        try:
            if buffer is not None:
                stream.flush()
                buffer.write(data)
                buffer.flush()
            elif isinstance(stream, io.BufferedIOBase | io.RawIOBase):
                stream.write(data)
            else:
                stream.write(data.decode("utf-8"))
        except BrokenPipeError:
            # The reader went away (as with "| head"). Point standard output at /dev/null so
            # that the interpreter's final flush does not report the same error again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
            raise SystemExit(1) from None
