"""The label API: one label as PDF or PNG, batches as one PDF, strict about what is missing."""

from __future__ import annotations

import io

import pypdfium2
import pytest
from PIL import Image
from tests.web.conftest import bearer

MM_PER_PT = 25.4 / 72


def pages(pdf: bytes) -> list[tuple[float, float, str]]:
    """(width mm, height mm, text) of each page."""
    document = pypdfium2.PdfDocument(pdf)
    result = []
    for page in document:
        width, height = page.get_size()
        text = page.get_textpage().get_text_range()
        result.append((round(width * MM_PER_PT, 1), round(height * MM_PER_PT, 1), text))
    return result


def post_batch(client, body, role="operator"):
    return client.post("/api/v1/labels/batch", json=body, headers=bearer(role))


def test_a_label_pdf_is_one_page_the_size_of_the_label(client):
    response = client.get("/api/v1/labels/W12-00003.pdf", headers=bearer("viewer"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "inline; filename=\"W12-00003-large.pdf\"; filename*=UTF-8''W12-00003-large.pdf"
    )
    ((width, height, text),) = pages(response.data)
    assert (width, height) == (100.0, 62.0)
    assert "W12-00003" in text


def test_the_template_can_be_chosen_and_defaults_by_type(client):
    small = client.get("/api/v1/labels/W12-00003.pdf?template=small", headers=bearer("viewer"))
    assert pages(small.data)[0][:2] == (90.3, 29.0)
    charger = client.get("/api/v1/labels/W12-00013.pdf", headers=bearer("viewer"))
    assert charger.headers["Content-Disposition"].endswith("-small.pdf")  # TEMPLATE_BY_TYPE


def test_a_label_png_is_the_preview_at_300_dpi(client):
    response = client.get("/api/v1/labels/W12-00003.png", headers=bearer("viewer"))
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert abs(image.width - round(100 / 25.4 * 300)) <= 2
    assert abs(image.height - round(62 / 25.4 * 300)) <= 2


@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/labels/W12-00003.pdf?template=huge", 400, "invalid_input"),
        ("/api/v1/labels/W12-00O42.png", 400, "invalid_tag"),
        ("/api/v1/labels/W12-09999.pdf", 404, "tag_not_found"),
        ("/api/v1/labels/W12-00003.svg", 404, "not_found"),
    ],
)
def test_label_errors(client, url, status, code):
    response = client.get(url, headers=bearer("viewer"))
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_a_batch_of_tags_is_one_pdf_in_the_order_asked(client):
    response = post_batch(client, {"tags": ["W12-00005", "W12-00001", "W12-00003"]})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["X-Label-Count"] == "3"
    first_lines = [text.split()[0] for _, _, text in pages(response.data)]
    assert first_lines == ["W12-00005", "W12-00001", "W12-00003"]


def test_a_batch_by_asset_ids_and_by_search(client):
    by_ids = post_batch(client, {"asset_ids": [2, 4], "template": "small"})
    assert [p[:2] for p in pages(by_ids.data)] == [(90.3, 29.0)] * 2
    by_search = post_batch(
        client, {"query": {"name_prefix": "W12-0001", "custom_fields": {"Type": "Charger"}}}
    )
    assert by_search.status_code == 200
    assert by_search.headers["X-Label-Count"] == "3"  # W12-00013, -14, -16 are chargers


def test_a_strict_batch_with_a_missing_tag_prints_nothing_and_names_it(client):
    response = post_batch(client, {"tags": ["W12-00001", "W12-00777", "W12-00002"]})
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["code"] == "batch_incomplete"
    assert error["missing"] == ["W12-00777"]
    assert "W12-00777" in error["message"]


def test_allow_missing_prints_the_rest_and_says_what_is_missing(client):
    response = post_batch(
        client, {"tags": ["W12-00001", "W12-00777", "W12-00002"], "allow_missing": True}
    )
    assert response.status_code == 200
    assert response.headers["X-Label-Count"] == "2"
    assert response.headers["X-Labels-Missing"] == "W12-00777"
    assert len(pages(response.data)) == 2


def test_an_asset_without_a_tag_cannot_get_a_label_in_a_strict_batch(client):
    response = post_batch(client, {"asset_ids": [1, 13]})
    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "batch_incomplete" and error["missing"] == []
    assert "asset 13" in error["refused"][0] and "no tag yet" in error["refused"][0]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({}, "exactly one of"),
        ({"tags": ["W12-00001"], "asset_ids": [1]}, "exactly one of"),
        ({"tags": ["W12-00001"], "query": None}, "exactly one of"),
        ({"tags": []}, "body.tags must not be empty"),
        ({"tags": ["W12-00001", "hello"]}, "not tags: 'hello'"),
        ({"asset_ids": ["1"]}, "expected int @ body.asset_ids[0]"),
        ({"tags": ["W12-00001"], "colour": "red"}, "extra fields found (colour)"),
        ({"tags": ["W12-00001"], "template": "huge"}, "unknown label template"),
        ({"query": {"custom_fields": {"Colour": "red"}}}, "custom field 'Colour'"),
    ],
)
def test_malformed_batches_are_400_naming_the_problem(client, body, words):
    response = post_batch(client, body)
    assert response.status_code == 400, response.get_json()
    assert words in response.get_json()["error"]["message"]


def test_a_batch_larger_than_max_batch_is_413(client):
    # MAX_BATCH is 5 in the web tests' settings.
    response = post_batch(client, {"tags": [f"W12-{n:05d}" for n in range(1, 7)]})
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "batch_too_large" and "at most 5 (MAX_BATCH)" in error["message"]
    by_search = post_batch(client, {"query": {"catalog": "Student Devices"}})
    assert by_search.status_code == 413


def test_a_batch_body_must_be_json(client):
    response = client.post(
        "/api/v1/labels/batch", data="tags=W12-00001", headers=bearer("operator")
    )
    assert response.status_code == 415
    assert response.get_json()["error"]["code"] == "unsupported_media_type"


def test_printing_batches_needs_the_operator_role(client):
    response = post_batch(client, {"tags": ["W12-00001"]}, role="viewer")
    assert response.status_code == 403
    assert "operator" in response.get_json()["error"]["message"]
    assert post_batch(client, {"tags": ["W12-00001"]}, role="admin").status_code == 200


def test_an_asset_id_beyond_the_documented_maximum_is_refused_naming_it(client):
    answer = client.post(
        "/api/v1/labels/batch",
        json={"asset_ids": [1, 10**18], "allow_missing": True},
        headers=bearer("operator"),
    )
    assert answer.status_code == 400
    assert "asset_ids" in answer.get_json()["error"]["message"]
