"""Callback answers from the shared cache (issue 12, app/response_cache.py): the same change for the
same data, language, day and code is answered with the stored bytes; a load, another language or
another code stamp is a new answer; an answer carrying a data error is never stored; per-answer
values (the map's resize stamp, a relay's serial) differ on every answer, and are one constant in
the first view's layout, so the Map's layout revalidates to 304 like every other."""

from __future__ import annotations

import json

import pytest

from app import create_app, ids, response_cache
from data_access.cache import cache
from tests.dash_support import layout_props, payload


def change_body(app, district: str, lang: str = "en") -> dict:
    state = "?start=2026-01-01&end=2026-10-31"
    controls = {f"{ids.FILTER_CONTROLS[f]}.value": None for f in ids.FILTER_CONTROLS}
    controls[f"{ids.POLICE_DISTRICT}.value"] = [district]
    values = {f"{ids.QUICK_RANGE}.value": None, f"{ids.DATE_RANGE}.start_date": "2026-01-01",
              f"{ids.DATE_RANGE}.end_date": "2026-10-31", f"{ids.URL}.search": state, f"{ids.URL}.pathname": "/",
              f"{ids.FILTER_STATE}.data": state, f"{ids.VIEW}.data": {"path": "/", "search": state}, **controls}
    return payload(app, f"{ids.FILTER_STATE}.data", values, f"{ids.POLICE_DISTRICT}.value") | {"lang": lang}


@pytest.fixture()
def cached(demo_url):
    app = create_app({"database_url": demo_url, "warm_decks": False, "warm_views": False})
    app.server.extensions["psad_warm_jobs"] = []
    with app.server.app_context():
        cache.clear()
    return app


def answered(app, body: dict):
    """The answer to a callback request, and whether it came from the store."""
    r = app.server.test_client().post("/_dash-update-component", json=body)
    assert r.status_code == 200, r.get_data(as_text=True)[:300]
    return r.get_json(), {"HIT": "stored", "MISS": "computed"}[r.headers["X-Cache"]]


def test_the_same_change_is_answered_from_the_store_with_the_same_numbers(cached):
    first, how = answered(cached, change_body(cached, "Western"))
    assert how == "computed"
    again, how = answered(cached, change_body(cached, "Western"))
    assert how == "stored" and again == first
    other, how = answered(cached, change_body(cached, "Central"))
    assert how == "computed" and other != first  # another district is another answer
    cards = json.dumps(first["sideUpdate"][ids.SUMMARY_CARDS])
    assert "Western" in json.dumps(first) and cards != json.dumps(other["sideUpdate"][ids.SUMMARY_CARDS])


def test_each_language_and_each_code_stamp_has_its_own_answer(cached):
    english, _ = answered(cached, change_body(cached, "Western"))
    spanish, how = answered(cached, change_body(cached, "Western", lang="es"))
    assert how == "computed" and "Homicidios" in json.dumps(spanish, ensure_ascii=False)
    assert "Homicidios" not in json.dumps(english, ensure_ascii=False)
    server = cached.server
    with server.test_request_context("/_dash-update-component", method="POST",
                                      json=change_body(cached, "Western")):
        assert response_cache.answer_key("stamp-a") != response_cache.answer_key("stamp-b")  # a deploy
        assert response_cache.answer_key("stamp-a") == response_cache.answer_key("stamp-a")



def test_the_key_reads_no_filter_options_and_names_the_day_the_callbacks_see(cached, monkeypatch):
    """answer_key reads only the data state (a stored answer is found without the filter options:
    reading them here raises), and its day is Choices.today, the day every callback computes with:
    the data's as-of date, or the calendar's when the data has none."""
    import hashlib

    from flask import request

    from app import context, i18n
    from data_access import status

    def no_options(db):
        raise AssertionError("answer_key read the filter options")

    server = cached.server
    body = change_body(cached, "Western")
    with server.test_request_context("/"):
        state = status.state(context.services().db)
    monkeypatch.setattr(context.opts, "filter_options", no_options)
    for as_of in (state["data_as_of"], None):
        monkeypatch.setattr(status, "state", lambda db, as_of=as_of: dict(state, data_as_of=as_of))
        with server.test_request_context("/_dash-update-component", method="POST", json=body):
            today = context.Choices(values={}, data_as_of=as_of).today
            raw = b"|".join([b"stamp", str(state["version"]).encode(), i18n.get_lang().encode(),
                             today.isoformat().encode(), request.get_data(cache=True)])
            assert response_cache.answer_key("stamp") == "answer:" + hashlib.sha256(raw).hexdigest(), as_of

def test_a_load_is_a_new_answer(synth_db, demo_small, tmp_path):
    from data_access.ingest.cvi import load_cvi_file
    from tests.test_ingest_cvi_cases import _cvi_rows

    app = create_app({"database_url": synth_db.url, "warm_decks": False, "warm_views": False})
    app.server.extensions["psad_warm_jobs"] = []
    with app.server.app_context():
        cache.clear()
    _, first = answered(app, change_body(app, "Western"))
    _, again = answered(app, change_body(app, "Western"))
    rows, _ = _cvi_rows(demo_small)
    p = tmp_path / "cvi.csv"
    p.write_text("\n".join(rows) + "\n")
    load_cvi_file(synth_db, str(p))  # a load: a new data version
    _, after = answered(app, change_body(app, "Western"))
    assert (first, again, after) == ("computed", "stored", "computed")


def test_an_answer_with_a_data_error_is_not_stored(cached):
    server = cached.server
    with server.test_request_context("/"):
        assert response_cache.cacheable()
        from app.i18n import error_text
        from data_access.db import DataError

        error_text(DataError("The database is not answering."))
        assert not response_cache.cacheable()


def test_per_answer_values_differ_and_the_map_layout_is_the_same_bytes(cached):
    a = response_cache.fill_nonces(json.dumps({"x": response_cache.nonce(), "y": response_cache.nonce()}))
    b = response_cache.fill_nonces(json.dumps({"x": response_cache.nonce()}))
    assert response_cache.NONCE not in a + b
    assert len({json.loads(a)["x"], json.loads(a)["y"], json.loads(b)["x"]}) == 3
    client = cached.server.test_client()
    headers = {"Referer": "http://localhost/map?council_district=7"}
    first = client.get("/_dash-layout", headers=headers)
    second = client.get("/_dash-layout", headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert second.status_code == 304  # the Map's layout is cacheable like the others
    assert layout_props(first.get_json(), ids.MAP)["invalidateSize"] == "0"
