"""Receiving devices in the API: the body of one device, the answer, catalogs and fields."""

from __future__ import annotations

from typing import Any

import attrs
from attrs import frozen

from rtutils_core.assets import Asset, Catalog
from rtutils_core.assets.catalog_fields import CatalogField
from rtutils_core.intake import MAX_INTERNAL_NAME_LENGTH, MAX_SERIAL_LENGTH, DeviceIntake, Received
from rtutils_core.outbox.device_ops import AcceptedDevice
from rtutils_web.http.answers import FieldsFrom, answer_of, list_of, object_schema, prop, ref
from rtutils_web.http.openapi import prefix_choice
from rtutils_web.http.queued import QueuedJson

_STRING = {"type": "string"}

# -- request bodies -------------------------------------------------------------------


_TEXT = {"type": "string", "minLength": 1}


@frozen
class DeviceBody:
    """One device: the common fields the desk picked, and the scanned serial.

    The serial's rules and a Select field's choices are the service's checks (400
    ``invalid_field``); the schema states the lengths, which this body's parsing checks.
    """

    catalog: str = prop({**_TEXT, "description": "a name from GET /api/v1/catalogs"})
    serial: str = prop(
        {
            **_TEXT,
            "maxLength": MAX_SERIAL_LENGTH,
            "description": "no inner spaces or control characters; the blanks around it"
            " are removed",
        }
    )
    manufacturer: str = prop({**_TEXT, "description": "a choice of the Select field"})
    model: str = prop(_TEXT)
    type: str = prop(_TEXT)
    funding_source: str = prop(_TEXT)
    internal_name: str | None = prop(
        {
            "type": ["string", "null"],
            "maxLength": MAX_INTERNAL_NAME_LENGTH,
            "description": "default: a free 'Adjective Animal' name",
        },
        default=None,
    )
    prefix: str | None = prop(
        {
            "type": ["string", "null"],
            "description": "default: the catalog's prefix (PREFIX_BY_CATALOG), else PREFIX",
        },
        default=None,
        configured=prefix_choice,
    )

    def to_device(self) -> DeviceIntake:
        # The same names as the core's input; a tag of its own is for CSV files only.
        return DeviceIntake(**attrs.asdict(self))


# -- answers --------------------------------------------------------------------------


@frozen
class NewAssetJson:
    """The asset a device became, as RT shows it after the create."""

    id: int = prop({"type": "integer", "minimum": 1})
    name: str = prop({**_STRING, "description": "the asset tag"})
    catalog: str = prop(_STRING)
    status: str = prop(_STRING)
    custom_fields: dict[str, str] = prop(
        {"type": "object", "additionalProperties": {"type": "string"}}
    )
    rt_url: str = prop({"type": "string", "format": "uri"})

    @classmethod
    def of(cls, asset: Asset, rt_url: str) -> NewAssetJson:
        return answer_of(cls, asset, custom_fields=dict(asset.custom_fields), rt_url=rt_url)


@frozen
class ReceivedJson:
    """What a device became: its asset, its tag and its internal name."""

    asset: NewAssetJson = prop(ref("NewAsset"))
    tag: str = prop(_STRING)
    internal_name: str = prop(_STRING)

    @classmethod
    def of(cls, received: Received, rt_url: str) -> ReceivedJson:
        return answer_of(cls, received, asset=NewAssetJson.of(received.asset, rt_url))


@frozen
class QueuedDeviceJson(QueuedJson):
    """A device received while RT cannot be reached (202): its tag is reserved and its
    internal name chosen now, its asset is created when RT answers again; whether its
    label can be printed now."""

    internal_name: str = prop(_STRING)
    label_now: bool = prop(
        {
            "type": "boolean",
            "description": "the label can be printed now (QR_TARGET=service: its QR code"
            " opens this service's link for the tag, which finds the asset once it exists)",
        }
    )
    label: str = prop({**_STRING, "description": "when the label can be printed, in words"})

    @classmethod
    def held(cls, accepted: AcceptedDevice, *, qr_target: str) -> QueuedDeviceJson:
        queued = QueuedJson.of(accepted.accepted)
        now = qr_target == "service"
        label = (
            f"the label of {accepted.tag} can be printed now: its QR code opens this"
            " service's link, which finds the asset once RT has it"
            if now
            else f"the label of {accepted.tag} prints when the asset exists in RT"
        )
        return cls(
            **attrs.asdict(queued, recurse=False),
            internal_name=accepted.internal_name,
            label_now=now,
            label=label,
        )


@frozen
class CatalogJson(FieldsFrom[Catalog]):
    id: int = prop({"type": "integer", "minimum": 1})
    name: str = prop(_STRING)
    description: str = prop(_STRING)


@frozen
class CatalogListJson:
    catalogs: list[CatalogJson] = prop(list_of("Catalog"))


@frozen
class FieldJson:
    """A custom field of a catalog and the values it offers."""

    name: str = prop(_STRING)
    kind: str = prop(
        {
            "type": "string",
            "enum": ["select", "combobox", "freeform", "other"],
            "description": "select: only the choices; combobox: the choices or any text",
        }
    )
    choices: list[str] = prop({"type": "array", "items": _STRING})
    is_multiple: bool = prop({"type": "boolean"})

    @classmethod
    def of(cls, field: CatalogField) -> FieldJson:
        return answer_of(cls, field, choices=list(field.choices))


@frozen
class CatalogFieldsJson:
    catalog: str = prop(_STRING)
    fields: list[FieldJson] = prop(list_of("CatalogField"))


SCHEMAS: dict[str, Any] = {
    "NewAsset": object_schema(NewAssetJson),
    "Received": object_schema(ReceivedJson),
    "QueuedDevice": object_schema(QueuedDeviceJson),
    "Catalog": object_schema(CatalogJson),
    "CatalogList": object_schema(CatalogListJson),
    "CatalogField": object_schema(FieldJson),
    "CatalogFields": object_schema(CatalogFieldsJson),
}
