"""Tag pages: issue a tag from the asset page, the event log, the admin's sequences."""

from __future__ import annotations

from html import unescape

from tests.web.conftest import csrf_token, sign_in


def test_an_untagged_asset_offers_to_issue_the_next_tag(desk):
    html = desk.get("/assets/13").get_data(as_text=True)
    assert "no tag yet" in html
    assert 'action="/assets/13/tag"' in html and "Issue tag W12-00017" in html
    assert '<select id="prefix" name="prefix">' in html  # W12- and TEST- are configured


def test_issuing_from_the_page_shows_the_asset_with_its_tag(desk):
    response = desk.post("/assets/13/tag", data={"csrf_token": csrf_token(desk, "/assets/13")})
    assert response.status_code == 302 and response.headers["Location"] == "/assets/13"
    html = unescape(desk.get("/assets/13").get_data(as_text=True))
    assert "Issued W12-00017" in html
    assert '<h1><span class="tag">W12-00017</span></h1>' in html
    assert "W12-00017.png" in html  # now it has a label to preview


def test_issuing_twice_from_two_open_pages_issues_once(desk):
    token = csrf_token(desk, "/assets/13")
    desk.post("/assets/13/tag", data={"csrf_token": token})
    desk.post("/assets/13/tag", data={"csrf_token": token})
    html = unescape(desk.get("/assets/13").get_data(as_text=True))
    assert "carries W12-00017 already; no new tag was issued" in html


def test_a_failed_issue_says_why_on_the_page(desk):
    token = csrf_token(desk, "/assets/14")
    desk.post("/assets/14/tag", data={"csrf_token": token, "prefix": "TEST-"})
    desk.post("/assets/14/tag", data={"csrf_token": token, "prefix": "W12-"})
    html = unescape(desk.get("/assets/14").get_data(as_text=True))
    assert "No tag was issued: asset 14 carries the tag TEST-00001" in html


def test_issuing_without_the_csrf_token_is_refused(desk):
    assert desk.post("/assets/13/tag").status_code == 400
    assert "no tag yet" in desk.get("/assets/13").get_data(as_text=True)


def test_the_event_log_page_lists_and_filters(desk):
    desk.post("/assets/13/tag", data={"csrf_token": csrf_token(desk, "/assets/13")})
    html = desk.get("/events").get_data(as_text=True)
    assert "W12-00017" in html and "operator-user" in html and "assigned" in html
    filtered = desk.get("/events?tag=W12-00001&asset_id=").get_data(as_text=True)
    assert "W12-00017" not in filtered
    assert 'href="/api/v1/tags/events.csv?tag=W12-00001"' in filtered
    bad = desk.get("/events?tag=nonsense")
    assert bad.status_code == 400 and "not a tag" in unescape(bad.get_data(as_text=True))


def test_an_admin_moves_a_sequence_and_sees_it(client):
    sign_in(client, "admin")
    page = client.get("/admin/sequences").get_data(as_text=True)
    assert "W12-00017" in page and "TEST-00001" in page
    token = csrf_token(client, "/admin/sequences")
    response = client.post(
        "/admin/sequences", data={"csrf_token": token, "prefix": "W12-", "next": "250"}
    )
    assert response.status_code == 302
    assert "The next W12- tag is now W12-00250" in client.get("/admin/sequences").get_data(
        as_text=True
    )


def test_going_back_needs_force_on_the_page_too(client):
    sign_in(client, "admin")
    token = csrf_token(client, "/admin/sequences")
    refused = client.post(
        "/admin/sequences", data={"csrf_token": token, "prefix": "W12-", "next": "3"}
    )
    assert refused.status_code == 409
    assert "or tick “Even at or below a tag already issued”" in unescape(
        refused.get_data(as_text=True)
    )
    forced = client.post(
        "/admin/sequences",
        data={"csrf_token": token, "prefix": "W12-", "next": "3", "force": "yes"},
    )
    assert forced.status_code == 302
    junk = client.post("/admin/sequences", data={"csrf_token": token, "next": "three"})
    assert junk.status_code == 400
