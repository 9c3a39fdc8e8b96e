"""The desk's look-up: scan or type a tag, land on the asset's page."""

from __future__ import annotations

from html import unescape


def test_home_focuses_the_scan_field(desk):
    html = desk.get("/").get_data(as_text=True)
    field = html[html.index('<input id="tag"') :].split(">", 1)[0]
    assert "autofocus" in field and 'name="tag"' in field
    assert 'action="/lookup"' in html and 'method="get"' in html


def test_a_scanned_tag_opens_its_asset(desk):
    response = desk.get("/lookup?tag=W12-00003")
    assert response.status_code == 302
    assert response.headers["Location"] == "/assets/3"
    html = desk.get("/assets/3").get_data(as_text=True)
    assert "W12-00003" in html
    assert "Open in Request Tracker" in html and "/Asset/Display.html?id=3" in html


def test_scanner_whitespace_is_ignored(desk):
    assert desk.get("/lookup?tag=%20W12-00003%0D").headers["Location"] == "/assets/3"


def test_a_malformed_tag_stays_on_the_form_with_the_reason(desk):
    response = desk.get("/lookup?tag=W12-00O42")
    assert response.status_code == 400
    html = unescape(response.get_data(as_text=True))
    assert "'W12-00O42' is not a tag" in html and "followed by 5 digits" in html
    field = html[html.index('<input id="tag"') :].split(">", 1)[0]
    assert "autofocus" in field and "value=" not in field  # empty for the next scan


def test_an_unknown_tag_says_so(desk):
    response = desk.get("/lookup?tag=W12-99999")
    assert response.status_code == 404
    assert "no asset carries the tag" in response.get_data(as_text=True)


def test_an_empty_scan_asks_for_a_tag(desk):
    assert desk.get("/lookup?tag=").status_code == 400


def test_a_missing_asset_page_is_a_404_page(desk):
    response = desk.get("/assets/99999")
    assert response.status_code == 404
    assert "asset 99999 does not exist" in response.get_data(as_text=True)


def test_the_short_link_redirects_to_the_asset_page(desk):
    response = desk.get("/a/W12-00002")
    assert response.status_code == 302
    assert response.headers["Location"] == "/assets/2"
    assert desk.get("/a/W12-99999").status_code == 404


def test_the_header_shows_who_is_signed_in(desk):
    html = desk.get("/").get_data(as_text=True)
    assert "operator-user" in html and "Sign out" in html
