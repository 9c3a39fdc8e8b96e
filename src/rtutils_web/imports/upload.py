"""The uploaded CSV file of a request: a multipart form's ``file`` or a ``text/csv`` body."""

from __future__ import annotations

from flask import request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from rtutils_core.errors import BatchTooLarge, InvalidInput
from rtutils_core.imports.jobs import csv_text
from rtutils_web.http.security import MAX_REQUEST_BYTES

FIELD = "file"
CSV_TYPES = ("text/csv", "application/csv", "text/plain")


def uploaded_csv() -> str:
    """The text of the uploaded file; a clear 400, 413 or 415 naming what is wrong."""
    try:
        if request.mimetype == "multipart/form-data":
            upload = request.files.get(FIELD)
            if upload is None or not upload.filename:
                raise InvalidInput(f"choose a CSV file to upload (form field {FIELD!r})")
            data = upload.read()
        elif request.mimetype in CSV_TYPES:
            data = request.get_data()
        else:
            raise UnsupportedMediaType(
                "send the CSV file as multipart/form-data (field 'file') or as a text/csv"
                f" body, not {request.mimetype or 'no Content-Type'}"
            )
    except RequestEntityTooLarge:
        raise BatchTooLarge(
            f"the file is larger than {MAX_REQUEST_BYTES // 1024} KiB; split it into smaller files"
        ) from None
    if not data.strip():
        raise InvalidInput("the file is empty; its first row must name the columns")
    return csv_text(data)
