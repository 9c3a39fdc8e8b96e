"""Input that once answered 500, each class closed: every case here is a 4xx naming the
problem, or a clean answer, never an internal error."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from tests.web.conftest import bearer, sign_in

from rtutils_core.assets import AssetDraft
from rtutils_web.http.headers import content_disposition
from rtutils_web.http.query import query_names

HUGE_TAG = "W12-" + "1" * 4400


def is_clean_refusal(response, status=400):
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response


@pytest.mark.parametrize(
    "query",
    ["since=0001-01-01T00:00:00%2B14:00", "until=9999-12-31T23:59:59-23:59"],
)
def test_dates_past_the_edge_of_the_calendar_in_utc_filter_as_the_edge(client, query):
    # Valid RFC 3339 times whose UTC time falls outside the calendar: no event is earlier
    # than its first moment or later than its last, so they filter nothing out.
    every = client.get("/api/v1/tags/events", headers=bearer("viewer")).get_json()
    answer = client.get(f"/api/v1/tags/events?{query}", headers=bearer("viewer"))
    assert answer.status_code == 200 and answer.get_json() == every
    csv = client.get(f"/api/v1/tags/events.csv?{query}", headers=bearer("viewer"))
    assert csv.status_code == 200


def test_dates_past_the_edge_of_the_calendar_on_the_events_page(desk):
    assert desk.get("/events?since=0001-01-01T00:00:00%2B14:00").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/assets/by-tag/{HUGE_TAG}",
        f"/api/v1/labels/{HUGE_TAG}.pdf",
        f"/api/v1/labels/{HUGE_TAG}.png",
    ],
)
def test_a_tag_with_thousands_of_digits_is_not_a_tag(client, path):
    body = is_clean_refusal(client.get(path, headers=bearer("viewer"))).get_json()
    assert body["error"]["code"] == "invalid_tag"
    assert len(body["error"]["message"]) < 300  # the message does not echo the whole text


def test_a_tag_with_thousands_of_digits_on_pages_and_batches(desk, client):
    assert desk.get(f"/a/{HUGE_TAG}").status_code == 400
    assert desk.get(f"/lookup?tag={HUGE_TAG}").status_code in (200, 400, 404)
    answer = client.post(
        "/api/v1/labels/batch", json={"tags": [HUGE_TAG]}, headers=bearer("operator")
    )
    assert answer.status_code in (400, 404, 422)


def test_json_nested_a_thousand_levels_deep_is_refused(client):
    for body in ("[" * 1000 + "]" * 1000, '{"tags":' * 1000 + "1" + "}" * 1000):
        answer = client.post(
            "/api/v1/labels/batch",
            data=body,
            headers={**bearer("operator"), "Content-Type": "application/json"},
        )
        assert "nested" in is_clean_refusal(answer).get_json()["error"]["message"]


def test_brackets_inside_strings_do_not_count_as_nesting(client):
    answer = client.post(
        "/api/v1/labels/batch", json={"tags": ["[" * 100]}, headers=bearer("operator")
    )
    assert answer.status_code != 500 and "nested" not in answer.get_data(as_text=True)


@pytest.mark.parametrize(
    "argument", ["_method=POST", "_scheme=javascript", "_external=1", "_anchor=x"]
)
def test_url_for_arguments_in_the_query_string_are_refused(desk, argument):
    answer = is_clean_refusal(desk.get(f"/events?{argument}"))
    assert "unknown query parameter" in answer.get_data(as_text=True)


def test_unknown_and_repeated_query_parameters_are_refused_on_every_kind_of_route(client, desk):
    for path in ("/api/v1/tags/next?colour=red", "/api/v1/assets/1?x=1", "/api/v1/tags/events?x=1"):
        assert (
            "unknown query parameter"
            in is_clean_refusal(client.get(path, headers=bearer("viewer"))).get_json()["error"][
                "message"
            ]
        )
    answer = is_clean_refusal(
        client.get("/api/v1/assets?status=a&status=b", headers=bearer("viewer"))
    )
    assert "more than once" in answer.get_json()["error"]["message"]
    assert desk.get("/lookup?tag=W12-00001&tag=W12-00002").status_code == 400


def test_every_view_that_reads_the_query_string_says_what_it_takes(app):
    # A view that names no parameters takes none: one that reads request.args without
    # naming them would refuse its own parameters.
    import inspect

    checked = 0
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if rule.endpoint != "static" and "request.args" in inspect.getsource(view):
            names, prefixes = query_names(view)
            assert names or prefixes, rule.endpoint
            checked += 1
    assert checked >= 5


def test_an_empty_custom_field_filter_means_no_value(client):
    every = client.get("/api/v1/assets?per_page=100", headers=bearer("viewer")).get_json()
    empty = client.get("/api/v1/assets?cf.Model=&per_page=100", headers=bearer("viewer"))
    found = empty.get_json()
    assert found["total"] < every["total"]
    assert all(not a["custom_fields"].get("Model") for a in found["items"])


def test_a_page_past_the_end_does_not_inflate_the_total(client):
    first = client.get("/api/v1/assets", headers=bearer("viewer")).get_json()
    past = client.get("/api/v1/assets?page=999", headers=bearer("viewer")).get_json()
    assert past["items"] == [] and past["total"] == first["total"]


@pytest.mark.parametrize("target", ["/\r\nSet-Cookie: x=1", "/events\n", "/ events", "/\u2028"])
def test_a_next_with_control_characters_goes_home(client, target):
    sign_in(client)  # then /login with a next goes straight on
    answer = client.get(f"/login?next={quote(target)}")
    assert answer.status_code == 302 and answer.headers["Location"] == "/"


@pytest.mark.parametrize("stray", ["\n", "\t", "\u2028"])
def test_a_name_with_control_characters_is_safe_in_content_disposition(app, client, stray):
    backend = app.extensions["rtutils"].backend()
    backend.create_asset(AssetDraft(name=f"W12-00777{stray}", catalog="Student Devices"))
    answer = client.get("/api/v1/labels/W12-00777.pdf", headers=bearer("viewer"))
    assert answer.status_code == 200
    header = answer.headers["Content-Disposition"]
    assert header.isprintable() and header.isascii()
    assert header.startswith('inline; filename="W12-00777-large.pdf"')


def test_a_non_latin_name_keeps_its_letters_in_filename_star():
    header = content_disposition("attachment", "Ñandú 测试.pdf")
    assert header.isascii()
    assert 'filename="Nand_.pdf"' not in header  # the plain form only drops what it cannot say
    assert "filename*=UTF-8''%C3%91and%C3%BA%20%E6%B5%8B%E8%AF%95.pdf" in header
