"""Receiving new devices: what a desk submits, internal names, the intake ports and service."""

from rtutils_core.intake.values import (
    MAX_INTERNAL_NAME_LENGTH,
    MAX_KEY_LENGTH,
    MAX_SERIAL_LENGTH,
    AnyKey,
    CallerKey,
    DeviceIntake,
    IntakeFields,
    IntakeOptions,
    Received,
    check_device,
    check_internal_name,
    check_key,
    check_serial,
    differences,
    fit_to_catalog,
    key_parts,
)

__all__ = [
    "AnyKey",
    "CallerKey",
    "DeviceIntake",
    "IntakeFields",
    "IntakeOptions",
    "MAX_INTERNAL_NAME_LENGTH",
    "MAX_KEY_LENGTH",
    "MAX_SERIAL_LENGTH",
    "Received",
    "check_device",
    "check_internal_name",
    "check_key",
    "check_serial",
    "differences",
    "fit_to_catalog",
    "key_parts",
]
