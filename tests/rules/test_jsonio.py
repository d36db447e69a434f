"""JSON bytes in, deterministic JSON text out: every way raw input can be wrong."""

from __future__ import annotations

import json

import pytest

from decision.rules import (
    FindingsInvalid,
    evaluate_json_bytes,
    findings_from_json_bytes,
    render_json,
)
from decision.rules.jsonio import MAX_INPUT_BYTES


def errors_for(raw: bytes) -> dict[str, list[str]]:
    with pytest.raises(FindingsInvalid) as raised:
        findings_from_json_bytes(raw)
    return raised.value.errors


def test_it_decodes_one_object_of_findings(example_1):
    assert findings_from_json_bytes(json.dumps(example_1).encode()) == example_1


def test_it_accepts_a_utf8_byte_order_mark(example_1):
    raw = b"\xef\xbb\xbf" + json.dumps(example_1).encode()
    assert findings_from_json_bytes(raw) == example_1


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (b"", "empty"),
        (b"  \n\t ", "empty"),
        (b"\xff\xfe{}", "UTF-8"),
        (b'{"cea_ng_ml": "\xe9"}', "UTF-8"),
        (b"{", "Not valid JSON"),
        (b"{'fit_for_surgery': true}", "Not valid JSON"),
        (b'{"a": 1,}', "Not valid JSON"),
        (b"{} {}", "Not valid JSON"),
        (b"[" * 100_000, "nested too deeply"),
        (b'{"a":' * 100_000, "nested too deeply"),
        (b'{"cea_ng_ml": ' + b"9" * 5000 + b"}", "too many digits"),
        (b"[]", "array"),
        (b"[{}]", "array"),
        (b'"findings"', "string"),
        (b"12", "number"),
        (b"NaN", "number"),
        (b"true", "true or false"),
        (b"null", "null"),
    ],
)
def test_input_that_is_not_one_json_object_is_an_error_on_the_whole(raw, words):
    errors = errors_for(raw)
    assert list(errors) == ["__all__"]
    (message,) = errors["__all__"]
    assert words in message


def test_input_over_one_megabyte_is_refused_before_decoding():
    raw = b"{" + b" " * MAX_INPUT_BYTES + b"}"
    errors = errors_for(raw)
    assert list(errors) == ["__all__"]
    assert "1 MB" in errors["__all__"][0]


def test_input_of_exactly_one_megabyte_is_decoded(example_1):
    body = json.dumps(example_1).encode()
    raw = body + b" " * (MAX_INPUT_BYTES - len(body))
    assert len(raw) == MAX_INPUT_BYTES
    assert findings_from_json_bytes(raw) == example_1


@pytest.mark.parametrize("literal", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_errors_on_their_field(example_1, as_of, literal):
    body = (
        json.dumps({**example_1, "cea_ng_ml": 0})
        .encode()
        .replace(b'"cea_ng_ml": 0', b'"cea_ng_ml": ' + literal)
    )
    with pytest.raises(FindingsInvalid) as raised:
        evaluate_json_bytes(body, as_of=as_of)
    assert raised.value.errors == {"cea_ng_ml": ["Must be a finite number."]}


def test_a_key_given_twice_is_an_error_on_that_field(example_1):
    body = json.dumps(example_1).encode()[:-1] + b', "cea_ng_ml": 12}'
    assert errors_for(body) == {"cea_ng_ml": ["Given more than once."]}


def test_duplicates_are_reported_with_the_other_field_errors(example_1, as_of):
    body = json.dumps({**example_1, "fit_for_surgery": "yes"}).encode()[:-1]
    body += b', "cea_ng_ml": 12, "colour": 1, "colour": 2}'
    with pytest.raises(FindingsInvalid) as raised:
        evaluate_json_bytes(body, as_of=as_of)
    assert raised.value.errors == {
        "cea_ng_ml": ["Given more than once."],
        "colour": ["Given more than once.", "Not a known finding; check the spelling."],
        "fit_for_surgery": ["Must be true or false."],
    }


def test_duplicates_inside_a_nested_value_are_not_mistaken_for_findings(example_1, as_of):
    body = json.dumps(example_1).encode()[:-1] + b', "extra": {"cea_ng_ml": 1, "cea_ng_ml": 2}}'
    with pytest.raises(FindingsInvalid) as raised:
        evaluate_json_bytes(body, as_of=as_of)
    assert list(raised.value.errors) == ["extra"]


def test_it_evaluates_valid_json_bytes(example_1, as_of):
    result = evaluate_json_bytes(json.dumps(example_1).encode(), as_of=as_of)
    assert result["recommendation"]["code"] == "RESECT_PRIMARY_AND_LIVER_WITH_HAI"


def test_render_json_is_sorted_indented_utf8_and_ends_with_a_newline():
    text = render_json({"b": 1, "a": {"d": "CRS 0–2", "c": [2, 1]}})
    assert text.splitlines() == [
        "{",
        '  "a": {',
        '    "c": [',
        "      2,",
        "      1",
        "    ],",
        '    "d": "CRS 0–2"',
        "  },",
        '  "b": 1',
        "}",
    ]
    assert text.endswith("}\n")


def test_render_json_is_deterministic(example_1, as_of):
    result = evaluate_json_bytes(json.dumps(example_1).encode(), as_of=as_of)
    shuffled = evaluate_json_bytes(
        json.dumps(dict(reversed(list(example_1.items())))).encode(), as_of=as_of
    )
    assert render_json(result) == render_json(shuffled)


def test_render_json_escapes_text_that_utf8_cannot_encode():
    # A lone surrogate can reach the output only as an unknown key of the input.
    text = render_json({"errors": {"\ud800": ["Not a known finding; check the spelling."]}})
    text.encode("utf-8")
    assert json.loads(text) == {"errors": {"\ud800": ["Not a known finding; check the spelling."]}}
