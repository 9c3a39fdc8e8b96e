"""Request bodies are declared once: the document's request schemas are the body classes'.

Every JSON request body of the OpenAPI document is ``body_schema`` of a body class (an attrs
class whose fields carry their schema with ``prop``), and parsing a body checks it against
that same schema, so a rule the document states is a rule the API keeps.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

import attrs
import pytest
from tests.web.conftest import bearer

import rtutils_web
from rtutils_core.errors import InvalidField, InvalidInput
from rtutils_web import services
from rtutils_web.http.answers import body_schema
from rtutils_web.http.bodies import parse_body
from rtutils_web.http.openapi import ApiFacts
from rtutils_web.labels.schema import BatchBody, QueryBody
from rtutils_web.loans.schema import CheckInBody, CheckOutBody
from rtutils_web.printing.schema import PrintBody
from rtutils_web.students.field_sync import FieldSyncBody
from rtutils_web.students.schema import ManualBody, UndoBody
from rtutils_web.tags.schema import SequenceBody

#: Operations whose body is a file, not a JSON object: no body class describes them.
FILE_UPLOADS = {"submitImport"}
#: Body classes that are a part of another body, not a request of their own.
NESTED = {QueryBody}


def _body_classes() -> set[type]:
    """Every body class of the web shell: attrs classes named ``...Body``."""
    found = set()
    for info in pkgutil.walk_packages(rtutils_web.__path__, "rtutils_web."):
        if info.name.endswith(".__main__"):
            continue  # running it is running the command
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                isinstance(value, type)
                and attrs.has(value)
                and name.endswith("Body")
                and value.__module__ == module.__name__
            ):
                found.add(value)
    return found


def _request_bodies(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """operationId -> requestBody, for every operation of the document that takes one."""
    return {
        op["operationId"]: op["requestBody"]
        for operations in document["paths"].values()
        for op in operations.values()
        if "requestBody" in op
    }


def test_every_json_request_body_is_generated_from_a_body_class(app, client):
    document = client.get("/api/v1/openapi.json", headers=bearer("viewer")).get_json()
    with app.app_context():
        settings = services.settings()
        templates = tuple(services.labels().template_names())
    facts = ApiFacts.of(settings.tag_formats, settings.max_batch, templates)
    classes = _body_classes()
    assert len(classes) == 17, sorted(c.__name__ for c in classes)
    used: set[type] = set()
    bodies = _request_bodies(document)
    assert set(bodies) - FILE_UPLOADS, "the document takes no JSON body at all"
    for operation_id, body in bodies.items():
        if operation_id in FILE_UPLOADS:
            assert "application/json" not in body["content"]
            continue
        assert list(body["content"]) == ["application/json"], operation_id
        schema = body["content"]["application/json"]["schema"]
        matching = [c for c in classes if body_schema(c, facts) == schema]
        assert matching, f"{operation_id}: its request schema is written by hand"
        used.update(matching)
    assert classes - used == NESTED, "a body class that no operation takes"


def test_a_body_class_states_what_its_parser_refuses():
    schema = body_schema(CheckOutBody)
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["person"]
    assert "required" not in body_schema(CheckInBody)
    assert body_schema(BatchBody)["properties"]["query"] == body_schema(QueryBody)


def test_a_default_the_document_states_is_the_one_the_parser_fills_in():
    stated = 0
    for cls in _body_classes():
        for field in attrs.fields(cls):
            schema = body_schema(cls)["properties"][field.name]
            if "default" in schema:
                stated += 1
                assert schema["default"] == field.default, f"{cls.__name__}.{field.name}"
    # force (2), dry_run (3), allow_missing, copies, remove_missing, condition, ticket
    assert stated == 10


@pytest.mark.parametrize(
    ("cls", "raw", "field", "words"),
    [
        (UndoBody, {"reason": ""}, "reason", "body.reason must not be empty"),
        (UndoBody, {"reason": "x" * 501}, "reason", "at most 500 characters"),
        (ManualBody, {"kind": "stolen", "reason": "r"}, "kind", "one of no-device, lost, paid"),
        (ManualBody, {"kind": "lost", "reason": "r", "asset_id": 0}, "asset_id", "at least 1"),
        (PrintBody, {"printer": "desk", "tags": ["W12-00001"], "copies": 11}, "copies", "1 and"),
        (PrintBody, {"printer": "desk", "asset_ids": [10**18]}, "asset_ids", "asset_ids[0]"),
        # cattrs alone would take a string for a list of its characters, and null for query.
        (BatchBody, {"tags": "W12-00001"}, "tags", "must be of type array"),
        (BatchBody, {"query": None}, "query", "must be of type object"),
        (CheckInBody, {"condition": "broken"}, "condition", "one of ok, damaged"),
        (CheckInBody, {"note": "n" * 2001}, "note", "at most 2000"),
        (CheckOutBody, {"person": "   "}, "person", "must match the pattern"),
        (FieldSyncBody, {"year": 1999}, "year", "between 2000 and 2100"),
        (SequenceBody, {"next": 0}, "next", "at least 1"),
    ],
)
def test_a_body_outside_its_schema_is_refused_naming_the_field(cls, raw, field, words):
    with pytest.raises(InvalidField) as refused:
        parse_body(raw, cls)
    assert refused.value.field == field
    assert words in refused.value.message
    assert refused.value.message.startswith(f"invalid request body: body.{field}")


def test_the_refusal_never_repeats_the_value():
    secret = "Ada Lovelace " * 50
    with pytest.raises(InvalidField) as refused:
        parse_body({"reason": secret}, UndoBody)
    assert "Ada" not in refused.value.message


def test_a_body_within_its_schema_is_structured():
    assert parse_body({"kind": "lost", "reason": "left on the bus"}, ManualBody) == ManualBody(
        "lost", "left on the bus"
    )
    with pytest.raises(InvalidInput, match="extra fields found"):
        parse_body({"reason": "r", "why": "r"}, UndoBody)
