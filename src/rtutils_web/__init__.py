"""rtutils web shell: Flask app factory, blueprints and the composition root.

Importing this package does not import Flask: library users take
:func:`rtutils_web.container.build_container` without the web stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(*args: Any, **kwargs: Any) -> Flask:
    """The application factory (see :func:`rtutils_web.app.create_app`)."""
    from rtutils_web.app import create_app as factory

    return factory(*args, **kwargs)
