"""What a feature folder hands the shell: its blueprints and its part of the OpenAPI document.

A new feature is one folder whose ``__init__.py`` defines ``FEATURE = Feature(...)``, and one
line in :data:`rtutils_web.features.FEATURES`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from attrs import frozen
from flask import Blueprint

from rtutils_web.http.openapi import ApiFacts


@frozen
class Feature:
    """One capability of the service as the shell sees it."""

    name: str
    blueprints: tuple[Blueprint, ...]
    #: The feature's paths of the OpenAPI document, for this service's configuration.
    paths: Callable[[ApiFacts], dict[str, Any]]
    #: The feature's schemas under ``components/schemas`` (name -> schema).
    schemas: Mapping[str, Any]
