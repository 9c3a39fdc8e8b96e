"""The intake operations of the OpenAPI document."""

from __future__ import annotations

from typing import Any

from rtutils_web.http.openapi import ApiFacts, json_ok, json_request, operation, path_param
from rtutils_web.intake.schema import DeviceBody

_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": True,
    "description": "one new key per device (a UUID); the same key again answers the same asset",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
    "example": "0b6f3c55-8d2e-4f7e-9a51-3f0c2b7d9e14",
}
_CATALOG = path_param("name", {"type": "string", "minLength": 1}, example="Student Devices")
_EXAMPLE = {
    "catalog": "Student Devices",
    "serial": "5CD2345ABC",
    "manufacturer": "HP",
    "model": "Chromebook 11 G9 EE",
    "type": "Chromebook",
    "funding_source": "Title I",
}
_RECEIVE = (
    "Checks the device (the serial's rules, a Select field's choices), reserves the next"
    " tag, chooses an internal name and creates the asset in one request with Name = tag and"
    " every custom field, then reads it back. Sending the same `Idempotency-Key` again"
    " answers 200 with the same asset, also when the first answer was lost; a key sent"
    " with another body is refused (422). A serial that an asset has already is a 409"
    " `duplicate_serial` whose error names `asset_id` and `tag`; a bad field is a 400"
    " `invalid_field` whose error names the `field`. While RT cannot be reached the device"
    " is checked as far as this service can (fields, serial, a serial received here"
    " already, the prefix), its tag reserved and its internal name chosen at once, and the"
    " create waits in the outbox: 202 `QueuedDevice`, whose `label_now` says whether the"
    " label can be printed now (QR_TARGET=service) or when the asset exists in RT; the"
    " replay searches RT for the serial and the tag before it creates, so the asset is"
    " made once. A Select field's choice is checked then."
)


def intake_paths(facts: ApiFacts) -> dict[str, Any]:
    """``POST /api/v1/assets`` and ``/api/v1/catalogs``."""
    created = json_ok("Received", 201, "Created")
    replayed = json_ok("Received", 200, "The same key again: the asset it created")
    held = json_ok("QueuedDevice", 202, "RT cannot be reached: tag reserved, asset made later")
    return {
        "/api/v1/assets": {
            "post": operation(
                "receiveDevice",
                "Receive a new device: one asset with a new tag, its fields and internal name",
                "intake",
                [_KEY],
                {**created, **replayed, **held},
                errors=(400, 401, 403, 409, 413, 415, 422, 502, 503, 504),
                description=_RECEIVE,
                body=json_request(DeviceBody, facts, example=_EXAMPLE),
            )
        },
        "/api/v1/catalogs": {
            "get": operation(
                "listCatalogs",
                "Every catalog of RT",
                "intake",
                [],
                json_ok("CatalogList"),
                errors=(401, 403, 502, 503, 504),
            )
        },
        "/api/v1/catalogs/{name}/fields": {
            "get": operation(
                "getCatalogFields",
                "A catalog's custom fields with their choices",
                "intake",
                [_CATALOG],
                json_ok("CatalogFields"),
                errors=(401, 403, 404, 502, 503, 504),
            )
        },
    }
