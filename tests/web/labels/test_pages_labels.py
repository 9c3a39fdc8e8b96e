"""Label pages: the preview and print link on an asset's page, and batches from the desk."""

from __future__ import annotations

from html import unescape

from tests.web.conftest import csrf_token, sign_in


def batch_form(desk, **fields):
    data = {"csrf_token": csrf_token(desk, "/labels/batch"), **fields}
    return desk.post("/labels/batch", data=data)


def test_a_tagged_asset_shows_its_label_preview_and_a_print_link(desk):
    html = desk.get("/assets/3").get_data(as_text=True)
    assert 'src="/api/v1/labels/W12-00003.png?template=large"' in html
    assert 'href="/api/v1/labels/W12-00003.pdf?template=large"' in html
    assert 'target="_blank"' in html
    # The preview and the PDF are readable with the page's session.
    assert desk.get("/api/v1/labels/W12-00003.png?template=large").mimetype == "image/png"


def test_the_template_choice_changes_preview_and_print(desk):
    html = unescape(desk.get("/assets/3?template=small").get_data(as_text=True))
    assert "/api/v1/labels/W12-00003.png?template=small" in html
    assert '<option value="small" selected>' in html
    assert desk.get("/assets/3?template=huge").status_code == 400


def test_chargers_default_to_the_small_template(desk):
    html = desk.get("/assets/19").get_data(as_text=True)
    assert "W12-00013.png?template=small" in html and "(default for this type)" in html


def test_a_pasted_list_prints_one_pdf(desk):
    response = batch_form(desk, source="list", tags="W12-00001\r\nW12-00002, W12-00003", do="print")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["X-Label-Count"] == "3"


def test_check_shows_what_would_print_and_what_is_missing(desk):
    response = batch_form(desk, source="list", tags="W12-00001 W12-00404", do="check")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<strong>1</strong> label would print" in html
    assert "Not found: <code>W12-00404</code>" in html


def test_printing_with_a_missing_tag_prints_nothing_and_names_it(desk):
    response = batch_form(desk, source="list", tags="W12-00001 W12-00404", do="print")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "<code>W12-00404</code>" in response.get_data(as_text=True)
    allowed = batch_form(
        desk, source="list", tags="W12-00001 W12-00404", do="print", allow_missing="yes"
    )
    assert allowed.mimetype == "application/pdf"
    assert allowed.headers["X-Labels-Missing"] == "W12-00404"


def test_a_search_batch_and_its_limit(desk):
    response = batch_form(desk, source="search", name_prefix="W12-0001", type="Charger", do="print")
    assert response.headers["X-Label-Count"] == "3"
    too_many = batch_form(desk, source="search", catalog="Student Devices", do="check")
    assert too_many.status_code == 413
    assert "at most 5 (MAX_BATCH)" in too_many.get_data(as_text=True)


def test_a_batch_form_without_its_csrf_token_is_refused(desk):
    response = desk.post("/labels/batch", data={"source": "list", "tags": "W12-00001"})
    assert response.status_code == 400


def test_the_batch_page_is_for_operators(client):
    sign_in(client, "viewer")
    assert client.get("/labels/batch").status_code == 403
    assert "Batch labels" not in client.get("/").get_data(as_text=True)
